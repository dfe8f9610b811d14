using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace PartnerMesh.Gateway.ApiKeys;

/// <summary>
/// Keys read <c>pm_&lt;keyId&gt;_&lt;secret&gt;</c>: a 12-character base32 id (what the key is looked up and listed by)
/// and 32 random bytes in base64url (43 characters, which may themselves contain <c>_</c>).
/// </summary>
public static class ApiKeyFormat
{
    public const string Prefix = "pm_";
    public const int KeyIdLength = 12;
    public const int SecretLength = 43;
    public const int MaxLength = 3 + KeyIdLength + 1 + SecretLength;

    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    private static readonly SearchValues<char> Base32Characters = SearchValues.Create(Base32Alphabet);

    public static string NewKeyId()
    {
        Span<byte> random = stackalloc byte[KeyIdLength];
        RandomNumberGenerator.Fill(random);
        Span<char> id = stackalloc char[KeyIdLength];
        for (var i = 0; i < KeyIdLength; i++)
        {
            // 256 is a multiple of 32, so the low five bits are uniform.
            id[i] = Base32Alphabet[random[i] & 31];
        }

        return new string(id);
    }

    public static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Compose(string keyId, string secret) => $"{Prefix}{keyId}_{secret}";

    public static byte[] HashSecret(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Compares in constant time, so the response time tells nothing about how much of a guess was right.</summary>
    public static bool SecretMatches(string secret, byte[] expectedHash) =>
        CryptographicOperations.FixedTimeEquals(HashSecret(secret), expectedHash);

    public static bool IsValidKeyId(string? keyId) =>
        keyId is { Length: KeyIdLength } && !keyId.AsSpan().ContainsAnyExcept(Base32Characters);

    public static bool TryParse(string? value, out string keyId, out string secret)
    {
        keyId = "";
        secret = "";
        if (value is not { Length: MaxLength } || !value.StartsWith(Prefix, StringComparison.Ordinal) || value[3 + KeyIdLength] != '_')
        {
            return false;
        }

        var id = value.Substring(Prefix.Length, KeyIdLength);
        var rest = value[(Prefix.Length + KeyIdLength + 1)..];
        if (!IsValidKeyId(id) || !Base64Url.IsValid(rest, out var decodedLength) || decodedLength != 32)
        {
            return false;
        }

        keyId = id;
        secret = rest;
        return true;
    }
}
