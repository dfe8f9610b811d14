using System.Security.Cryptography;
using System.Text;

namespace PartnerMesh.Redis.ContactFrequency;

/// <summary>
/// The shopper a contact is for, by every identity known at the time: a contact recorded under one of them is seen
/// under all of them later (a guest's visitor id today, the same person's email tomorrow).
/// </summary>
public sealed record ContactSubject(string? VisitorId = null, string? CustomerId = null, string? Email = null)
{
    public bool IsEmpty => Keys().Count == 0;

    /// <summary>
    /// One Redis key per identity. Emails are NFKC-normalised, trimmed, lower-cased and hashed, as coupons keys guests
    /// (<c>CustomerKeys</c>): guests are identified by email, casing, full-width letters or decomposed accents must not
    /// make two people of one, and the shared record holds no readable address.
    /// </summary>
    internal IReadOnlyList<string> Keys()
    {
        var keys = new List<string>(3);
        if (!string.IsNullOrWhiteSpace(VisitorId))
        {
            keys.Add($"{ContactFrequencyRecord.KeyPrefix}v:{VisitorId.Trim()}");
        }

        if (!string.IsNullOrWhiteSpace(CustomerId))
        {
            keys.Add($"{ContactFrequencyRecord.KeyPrefix}c:{CustomerId.Trim()}");
        }

        if (!string.IsNullOrWhiteSpace(Email))
        {
            var normalised = NormalizeEmail(Email);
            keys.Add($"{ContactFrequencyRecord.KeyPrefix}e:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)))}");
        }

        return keys;
    }

    private static string NormalizeEmail(string email)
    {
        try
        {
            return email.Normalize(NormalizationForm.FormKC).Trim().ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            // Not valid UTF-16 (a lone surrogate): nothing to fold, key the text as given.
            return email.Trim().ToLowerInvariant();
        }
    }
}
