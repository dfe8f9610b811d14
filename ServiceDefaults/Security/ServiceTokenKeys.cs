using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace PartnerMesh.ServiceDefaults.Security;

/// <summary>
/// ES256 (P-256) key material for service tokens. A signing key is a PEM EC private key, or any secret of at least
/// 32 characters (what the AppHost generates), from which the private scalar is derived by SHA-256: the secret stays
/// one opaque string an operator can store and rotate like a password. Public keys travel as base64
/// SubjectPublicKeyInfo. The key id (<c>kid</c>) is the RFC 7638 thumbprint of the public key, so signer and verifiers
/// agree on it without configuring it.
/// </summary>
public static class ServiceTokenKeys
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;
    public const int MinimumSecretLength = 32;

    private static readonly byte[] DerivationLabel = "partnermesh:service-token-key:v1:"u8.ToArray();

    public static ECDsaSecurityKey SigningKey(string secret)
    {
        var key = new ECDsaSecurityKey(PrivateKey(secret));
        key.KeyId = KeyIdOf(key);
        return key;
    }

    /// <summary>The base64 SubjectPublicKeyInfo of the key <paramref name="secret"/> signs with: what verifiers are given.</summary>
    public static string PublicKeyOf(string secret)
    {
        using var key = PrivateKey(secret);
        return Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>A verification key from base64 SubjectPublicKeyInfo or PEM.</summary>
    public static ECDsaSecurityKey PublicKey(string publicKey)
    {
        var ecdsa = ECDsa.Create();
        var text = publicKey.Trim();
        if (text.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            ecdsa.ImportFromPem(text);
        }
        else
        {
            ecdsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(text), out _);
        }

        if (ecdsa.KeySize != 256)
        {
            throw new CryptographicException("Service-token keys are P-256 keys.");
        }

        var key = new ECDsaSecurityKey(ecdsa);
        key.KeyId = KeyIdOf(key);
        return key;
    }

    public static string KeyIdOf(ECDsaSecurityKey key) =>
        Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(key).ComputeJwkThumbprint());

    private static ECDsa PrivateKey(string secret)
    {
        var text = secret.Trim();
        if (text.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            var pem = ECDsa.Create();
            pem.ImportFromPem(text);
            return pem.KeySize == 256 ? pem : throw new CryptographicException("Service-token keys are P-256 keys.");
        }

        if (text.Length < MinimumSecretLength)
        {
            throw new CryptographicException($"A service-token signing secret has at least {MinimumSecretLength} characters.");
        }

        // A hash lands outside [1, n-1] with probability about 2^-32; the counter then moves to the next candidate.
        var secretBytes = Encoding.UTF8.GetBytes(text);
        for (byte attempt = 0; ; attempt++)
        {
            var scalar = SHA256.HashData([.. DerivationLabel, attempt, .. secretBytes]);
            try
            {
                return ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = scalar });
            }
            catch (CryptographicException) when (attempt < 8)
            {
            }
        }
    }
}
