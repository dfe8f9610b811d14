using System.Net.Mail;
using System.Text;
using PartnerMesh.ServiceDefaults.Customers;

namespace PartnerMesh.PartnerPortal.Api.Accounts;

public static class AccountRules
{
    public const int MinPasswordLength = 12;

    /// <summary>Long enough for any passphrase, short enough that hashing stays cheap.</summary>
    public const int MaxPasswordLength = 256;

    public const int MaxEmailLength = 254;

    /// <summary>
    /// The password as it is hashed and checked: Unicode NFKC (NIST SP 800-63B §5.1.1.2), so the same password typed as
    /// precomposed or decomposed characters, or with full-width forms from another keyboard, is one password. NFKC rather
    /// than NFC: it is what NIST recommends, and the rule the system already uses for e-mails (<see cref="CustomerEmail"/>).
    /// </summary>
    public static string NormalizePassword(string password) =>
        password.IsNormalized(NormalizationForm.FormKC) ? password : password.Normalize(NormalizationForm.FormKC);

    /// <summary>Characters as NIST counts them: Unicode code points of the normalised password, so an emoji is one, not two.</summary>
    public static int PasswordLength(string normalizedPassword) => normalizedPassword.EnumerateRunes().Count();

    /// <summary>
    /// Whether <paramref name="password"/> (as typed) is too long to be worth normalising and hashing: a code point is at
    /// most two UTF-16 units, and decomposed input (a letter plus its accent) shrinks under NFKC, hence the margin.
    /// </summary>
    public static bool IsBeyondAnyPasswordLength(string password) => password.Length > 4 * MaxPasswordLength;

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
