using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.PartnerPortal.Api.Infrastructure;

namespace PartnerMesh.PartnerPortal.Api.KeyRing;

/// <summary>
/// The key ring in <c>portaldb</c> (<c>data_protection_keys</c>), shared by every instance. Reading it also brings
/// every key to the current secret: a key stored unencrypted (before encryption at rest existed) or under a previous
/// secret is encrypted again in place, so after one start of each instance no row needs an older secret.
/// </summary>
public sealed class EncryptedKeyRingRepository(IServiceScopeFactory scopes, KeyRingCipher cipher, ILogger<EncryptedKeyRingRepository> logger)
    : IXmlRepository
{
    private static readonly XNamespace DataProtectionNamespace = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName RequiresEncryption = DataProtectionNamespace + "requiresEncryption";
    private static readonly XName EncryptedSecret = DataProtectionNamespace + "encryptedSecret";
    private static readonly string DecryptorType = typeof(KeyRingXmlDecryptor).AssemblyQualifiedName!;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var elements = new List<XElement>();
        foreach (var row in db.DataProtectionKeys.AsNoTracking().OrderBy(key => key.Id).ToList())
        {
            if (string.IsNullOrEmpty(row.Xml))
            {
                continue;
            }

            var element = XElement.Parse(row.Xml);
            if (TryUpToDate(element, row.FriendlyName) is { } upToDate)
            {
                var xml = upToDate.ToString(SaveOptions.DisableFormatting);
                // Another instance may do the same at the same time; either result is valid.
                db.DataProtectionKeys.Where(key => key.Id == row.Id && key.Xml == row.Xml)
                    .ExecuteUpdate(update => update.SetProperty(key => key.Xml, xml));
                logger.LogInformation("Data-protection key {FriendlyName} encrypted with the current key-ring secret {KeyId}", row.FriendlyName, cipher.CurrentKeyId);
                element = upToDate;
            }

            elements.Add(element);
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }

    /// <summary>
    /// A key under a secret that is neither current nor previous stays as it is: the key manager then finds it unreadable
    /// and carries on with the others (what it protected can no longer be read).
    /// </summary>
    private XElement? TryUpToDate(XElement key, string? friendlyName)
    {
        try
        {
            return UpToDate(key);
        }
        catch (CryptographicException exception)
        {
            logger.LogError(exception, "Data-protection key {FriendlyName} cannot be decrypted with the configured key-ring secrets", friendlyName);
            return null;
        }
    }

    /// <summary>
    /// A copy of <paramref name="key"/> whose secrets are all encrypted with the current secret, or null when they
    /// already are. Secrets encrypted by something else (another decryptor type) are left alone.
    /// </summary>
    private XElement? UpToDate(XElement key)
    {
        var copy = new XElement(key);
        var changed = false;
        foreach (var plaintext in copy.Descendants().Where(element => (bool?)element.Attribute(RequiresEncryption) == true).ToList())
        {
            plaintext.ReplaceWith(Wrap(cipher.Encrypt(new XElement(plaintext))));
            changed = true;
        }

        foreach (var secret in copy.Descendants(EncryptedSecret).ToList())
        {
            if ((string?)secret.Attribute("decryptorType") == DecryptorType && secret.Elements().SingleOrDefault() is { } encrypted
                && KeyRingCipher.KeyIdOf(encrypted) != cipher.CurrentKeyId)
            {
                secret.ReplaceWith(Wrap(cipher.Encrypt(cipher.Decrypt(encrypted))));
                changed = true;
            }
        }

        return changed ? copy : null;
    }

    /// <summary>The element data protection's key manager expects in place of an encrypted secret.</summary>
    private static XElement Wrap(XElement encrypted) =>
        new(EncryptedSecret, new XAttribute("decryptorType", DecryptorType), encrypted);
}
