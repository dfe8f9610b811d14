using System.Net.Mail;

namespace PartnerMesh.PartnerPortal.Api.Accounts;

public static class AccountRules
{
    public const int MinPasswordLength = 12;

    /// <summary>Long enough for any passphrase, short enough that hashing stays cheap.</summary>
    public const int MaxPasswordLength = 256;

    public const int MaxEmailLength = 254;

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public static bool IsValidEmail(string email) =>
        email.Length <= MaxEmailLength
        // Control characters (NUL above all, which PostgreSQL cannot store) may hide in a quoted local part.
        && !email.Any(character => char.IsWhiteSpace(character) || char.IsControl(character))
        && MailAddress.TryCreate(email, out var address)
        && address.Address == email
        && address.Host.Contains('.', StringComparison.Ordinal);
}
