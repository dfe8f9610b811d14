using System.Net.Mail;
using PartnerMesh.ServiceDefaults.Customers;

namespace PartnerMesh.PartnerPortal.Api.Accounts;

public static class AccountRules
{
    public const int MinPasswordLength = 12;

    /// <summary>Long enough for any passphrase, short enough that hashing stays cheap.</summary>
    public const int MaxPasswordLength = 256;

    public const int MaxEmailLength = 254;

    /// <summary>
    /// The key two accounts' e-mails are compared by: the system's one rule for "the same e-mail" (<see cref="CustomerEmail"/>:
    /// invisible characters removed, NFKC, trimmed, lower-cased), so a look-alike (a zero-width space, full-width letters,
    /// a soft hyphen) is the address it imitates, for the "already in use" check and for sign-in alike.
    /// </summary>
    public static string NormalizeEmail(string email) => CustomerEmail.Fold(email);

    public static bool IsValidEmail(string email) =>
        email.Length <= MaxEmailLength
        && CustomerEmail.Normalize(email) is not null
        // Control characters (NUL above all, which PostgreSQL cannot store) may hide in a quoted local part.
        && !email.Any(character => char.IsWhiteSpace(character) || char.IsControl(character))
        && MailAddress.TryCreate(email, out var address)
        && address.Address == email
        && address.Host.Contains('.', StringComparison.Ordinal);
}
