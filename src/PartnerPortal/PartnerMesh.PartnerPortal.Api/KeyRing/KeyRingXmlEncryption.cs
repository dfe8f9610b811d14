using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace PartnerMesh.PartnerPortal.Api.KeyRing;

/// <summary>Encrypts the secret part of every new data-protection key before it is written to <c>portaldb</c>.</summary>
public sealed class KeyRingXmlEncryptor(KeyRingCipher cipher) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(cipher.Encrypt(plaintextElement), typeof(KeyRingXmlDecryptor));
}

/// <summary>
/// Named by type in each encrypted key (<c>decryptorType</c>); data protection creates it with the application's
/// services, so it decrypts only where <see cref="KeyRingCipher"/> (the secret) is registered.
/// </summary>
public sealed class KeyRingXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        services.GetRequiredService<KeyRingCipher>().Decrypt(encryptedElement);
}
