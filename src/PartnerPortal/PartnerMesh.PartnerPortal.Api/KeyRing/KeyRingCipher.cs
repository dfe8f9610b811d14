using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.Extensions.Options;

namespace PartnerMesh.PartnerPortal.Api.KeyRing;

/// <summary>
/// AES-256-GCM for the secret parts of the data-protection key ring. Each encrypted element names the id of the key
/// that encrypted it (derived from the key, so it reveals nothing about it), which is how a previous key is found after
/// a rotation.
/// </summary>
public sealed class KeyRingCipher
{
    public const int MinKeyBytes = 32;

    private const string ElementName = "encryptedKey";
    private const string KeyIdAttribute = "keyId";
    private const string AlgorithmAttribute = "algorithm";
    private const string Algorithm = "AES-256-GCM";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly EncryptionKey _current;
    private readonly Dictionary<string, EncryptionKey> _keys;

    public KeyRingCipher(IOptions<KeyRingOptions> options)
    {
        var value = options.Value;
        _current = EncryptionKey.Parse(value.DataProtectionKey, $"{KeyRingOptions.SectionName}:{nameof(KeyRingOptions.DataProtectionKey)}");
        _keys = new Dictionary<string, EncryptionKey>(StringComparer.Ordinal) { [_current.Id] = _current };
        for (var i = 0; i < value.PreviousDataProtectionKeys.Count; i++)
        {
            var previous = EncryptionKey.Parse(
                value.PreviousDataProtectionKeys[i], $"{KeyRingOptions.SectionName}:{nameof(KeyRingOptions.PreviousDataProtectionKeys)}:{i}");
            _keys.TryAdd(previous.Id, previous);
        }
    }

    /// <summary>The id of the key new elements are encrypted with.</summary>
    public string CurrentKeyId => _current.Id;

    /// <summary>Why <paramref name="key"/> cannot be used, or null when it can.</summary>
    public static string? Problem(string? key, string setting)
    {
        try
        {
            EncryptionKey.Parse(key, setting);
            return null;
        }
        catch (FormatException exception)
        {
            return exception.Message;
        }
    }

    public XElement Encrypt(XElement plaintext)
    {
        var data = Encoding.UTF8.GetBytes(plaintext.ToString(SaveOptions.DisableFormatting));
        var sealedData = new byte[NonceBytes + TagBytes + data.Length];
        var nonce = sealedData.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(_current.Key, TagBytes))
        {
            aes.Encrypt(nonce, data, sealedData.AsSpan(NonceBytes + TagBytes), sealedData.AsSpan(NonceBytes, TagBytes), AssociatedData(_current.Id));
        }

        return new XElement(
            ElementName,
            new XAttribute(KeyIdAttribute, _current.Id),
            new XAttribute(AlgorithmAttribute, Algorithm),
            new XComment(" Encrypted with PartnerPortal:DataProtectionKey (the key with the id above). "),
            new XElement("value", Convert.ToBase64String(sealedData)));
    }

    public XElement Decrypt(XElement encrypted)
    {
        var keyId = KeyIdOf(encrypted);
        if (encrypted.Name != ElementName || keyId is null || (string?)encrypted.Attribute(AlgorithmAttribute) != Algorithm)
        {
            throw new CryptographicException("Not a key-ring element encrypted by the partner portal.");
        }

        if (!_keys.TryGetValue(keyId, out var key))
        {
            throw new CryptographicException(
                $"This data-protection key was encrypted with key id {keyId}, which is neither PartnerPortal:DataProtectionKey "
                + $"(key id {_current.Id}) nor one of PartnerPortal:PreviousDataProtectionKeys.");
        }

        var sealedData = Convert.FromBase64String((string?)encrypted.Element("value") ?? "");
        if (sealedData.Length < NonceBytes + TagBytes)
        {
            throw new CryptographicException("The encrypted data-protection key is truncated.");
        }

        var data = new byte[sealedData.Length - NonceBytes - TagBytes];
        using (var aes = new AesGcm(key.Key, TagBytes))
        {
            aes.Decrypt(
                sealedData.AsSpan(0, NonceBytes), sealedData.AsSpan(NonceBytes + TagBytes), sealedData.AsSpan(NonceBytes, TagBytes), data,
                AssociatedData(keyId));
        }

        return XElement.Parse(Encoding.UTF8.GetString(data));
    }

    /// <summary>The key id an element produced by <see cref="Encrypt"/> names.</summary>
    public static string? KeyIdOf(XElement encrypted) => (string?)encrypted.Attribute(KeyIdAttribute);

    private static byte[] AssociatedData(string keyId) => Encoding.UTF8.GetBytes("partnermesh-portal-key-ring:" + keyId);

    private sealed record EncryptionKey(string Id, byte[] Key)
    {
        public static EncryptionKey Parse(string? value, string setting)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new FormatException(
                    $"{setting} is required: the secret that encrypts the portal's data-protection keys in portaldb "
                    + $"(base64, at least {MinKeyBytes} bytes; the AppHost generates it as the parameter portal-data-protection-key).");
            }

            var bytes = new byte[value.Length];
            if (!Convert.TryFromBase64String(value.Trim(), bytes, out var length) || length < MinKeyBytes)
            {
                throw new FormatException($"{setting} must be base64 of at least {MinKeyBytes} bytes (e.g. 44 letters and digits).");
            }

            var secret = bytes.AsSpan(0, length);
            var key = new byte[32];
            var id = new byte[8];
            HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, key, salt: [], info: "partnermesh-portal-key-ring-aes"u8);
            HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, id, salt: [], info: "partnermesh-portal-key-ring-id"u8);
            CryptographicOperations.ZeroMemory(bytes);
            return new EncryptionKey(Convert.ToHexStringLower(id), key);
        }
    }
}
