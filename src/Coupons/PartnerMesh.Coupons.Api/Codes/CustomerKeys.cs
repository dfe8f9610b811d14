using System.Buffers;
using System.Globalization;
using System.Text;

namespace PartnerMesh.Coupons.Api.Codes;

/// <summary>
/// How a shopper is keyed: <c>id:{customer id}</c> and <c>email:{e-mail, see <see cref="NormalizeEmail"/>}</c>, so
/// <c>Ann@Example.com</c>, <c> ann@example.com</c> and the full-width <c>ａｎｎ@example.com</c> are one guest, and so are
/// <c>josé@…</c> typed precomposed (NFC) or decomposed (NFD). <see cref="Of"/> is the one key a row is filed under (the id
/// when known, otherwise the e-mail); <see cref="Identify"/> is every key the shopper presents, which per-customer limits
/// and personal codes check.
/// </summary>
public static class CustomerKeys
{
    public const int MaxIdLength = 100;
    public const int MaxEmailLength = 254;

    public static string? Of(string? customerId, string? email) => Identify(customerId, email).Key;

    public static CustomerIdentity Identify(string? customerId, string? email) => new(
        string.IsNullOrWhiteSpace(customerId) ? null : "id:" + customerId.Trim(),
        NormalizeEmail(email) is { } normalized ? "email:" + normalized : null);

    /// <summary>
    /// Without invisible characters (Unicode format characters, category Cf, and the other default-ignorable code points:
    /// a zero-width space, a direction mark, a soft hyphen, a BOM, a variation selector, which are never another mailbox),
    /// in Unicode NFKC (compatibility forms such as full-width letters fold to their plain form, and composed and decomposed
    /// accents become one), trimmed, then lower-cased invariantly. Null when it is not plausibly an address — blank, not
    /// valid UTF-16 (a lone surrogate), longer than <see cref="MaxEmailLength"/> once normalised (NFKC can lengthen a
    /// string), without text on both sides of its last '@', or with white space or a control character inside.
    /// </summary>
    public static string? NormalizeEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }

        var visible = new StringBuilder(email.Length);
        for (var index = 0; index < email.Length;)
        {
            if (Rune.DecodeFromUtf16(email.AsSpan(index), out var rune, out var length) != OperationStatus.Done)
            {
                return null;
            }

            if (!IsInvisible(rune))
            {
                visible.Append(email, index, length);
            }

            index += length;
        }

        var normalized = visible.ToString().Normalize(NormalizationForm.FormKC).Trim().ToLowerInvariant();
        var at = normalized.LastIndexOf('@');
        return normalized.Length <= MaxEmailLength && at > 0 && at < normalized.Length - 1
            && !normalized.Any(character => char.IsWhiteSpace(character) || char.IsControl(character))
            ? normalized
            : null;
    }

    /// <summary>Format characters (Cf) and Unicode's other Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt).</summary>
    private static bool IsInvisible(Rune rune) =>
        Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format
        || rune.Value is 0x034F or 0x115F or 0x1160 or (>= 0x17B4 and <= 0x17B5) or (>= 0x180B and <= 0x180F) or 0x3164
            or (>= 0xFE00 and <= 0xFE0F) or 0xFFA0 or (>= 0xFFF0 and <= 0xFFF8) or (>= 0xE0000 and <= 0xE0FFF);
}
