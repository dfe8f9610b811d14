using System.Text;

namespace PartnerMesh.Contracts.Codes;

/// <summary>
/// The one way a code a shopper enters is read, stored and matched, by the coupons service (its codes) and the promotions
/// service (a promotion's own codes, and what it asks coupons about), so a code matches in one exactly when it matches in
/// the other: Unicode NFKC (full-width <c>ＳＰＲＩＮＧ</c> is <c>SPRING</c>), trimmed,
/// then only ASCII letters, digits, <c>-</c> and <c>_</c> (checked before upper-casing, so a dotless <c>ı</c> or a Cyrillic
/// look-alike is refused rather than folded into a Latin letter), upper-cased invariantly, 1 to 64 characters.
/// </summary>
public static class CouponCodeFormat
{
    /// <summary>The longest code, in characters, after normalisation.</summary>
    public const int MaxLength = 64;

    /// <summary>Longer input is refused before any normalisation work.</summary>
    private const int MaxInputLength = 256;

    /// <summary>What a code field accepts, for problem details.</summary>
    public const string Rule = "A code has 1 to 64 of the characters A-Z, 0-9, '-' and '_' (matched case-insensitively, after trimming and Unicode NFKC normalisation).";

    /// <summary>The code <paramref name="input"/> spells, normalised; false when it cannot be a code (nothing then matches it).</summary>
    public static bool TryNormalize(string? input, out string code)
    {
        code = "";
        if (input is null || input.Length > MaxInputLength)
        {
            return false;
        }

        string normalized;
        try
        {
            normalized = input.Normalize(NormalizationForm.FormKC).Trim();
        }
        catch (ArgumentException)
        {
            return false; // not valid UTF-16 (a lone surrogate)
        }

        if (normalized.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var character in normalized)
        {
            if (!(char.IsAsciiLetterOrDigit(character) || character is '-' or '_'))
            {
                return false;
            }
        }

        code = normalized.ToUpperInvariant();
        return true;
    }
}
