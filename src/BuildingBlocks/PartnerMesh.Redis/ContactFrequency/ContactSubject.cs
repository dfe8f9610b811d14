using System.Security.Cryptography;
using System.Text;
using PartnerMesh.ServiceDefaults.Customers;

namespace PartnerMesh.Redis.ContactFrequency;

/// <summary>
/// The shopper a contact is for, by every identity known at the time: a contact recorded under one of them is seen
/// under all of them later (a guest's visitor id today, the same person's email tomorrow).
/// </summary>
public sealed record ContactSubject(string? VisitorId = null, string? CustomerId = null, string? Email = null)
{
    public bool IsEmpty => Keys().Count == 0;

    /// <summary>
    /// One Redis key per identity. Emails are folded by the shared rule (<see cref="CustomerEmail.Fold(string)"/>:
    /// invisible characters removed, NFKC, trimmed, lower-cased) and hashed, as every service keys guests: guests are
    /// identified by email, casing, invisible characters, full-width letters or decomposed accents must not make two
    /// people of one, and the shared record holds no readable address. An email that folds to nothing (white space or
    /// invisible characters only, <see cref="CustomerEmail.IsBlank"/>) is no identity: it would be one shopper shared
    /// by everyone who sends it.
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

        if (!CustomerEmail.IsBlank(Email))
        {
            var normalised = CustomerEmail.Fold(Email);
            keys.Add($"{ContactFrequencyRecord.KeyPrefix}e:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)))}");
        }

        return keys;
    }
}
