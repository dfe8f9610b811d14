using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace PartnerMesh.ServiceDefaults.Customers;

/// <summary>
/// The one rule by which every service decides that two e-mails a shopper gives are the same shopper — coupons'
/// per-customer limits and personal codes, promotions' <c>perCustomerLimit</c>, attribution's self-referral and
/// disposable-domain rules, surveys' frequency and the shared contact-frequency record: the address without invisible
/// characters (Unicode format characters, category Cf — a zero-width space U+200B, a direction mark U+200F, a BOM U+FEFF,
/// a word joiner U+2060, a soft hyphen U+00AD — and the other default-ignorable code points such as variation selectors,
/// which are never another mailbox), in Unicode NFKC (full-width letters fold to plain ones, composed and decomposed
/// accents become one), trimmed, then lower-cased invariantly. A service may fold further for its own purpose
/// (attribution drops a <c>+tag</c> and Gmail dots to find the partner's own mailbox), never less.
/// </summary>
public static class CustomerEmail
{
    /// <summary>The longest address, in characters, once normalised (RFC 5321's path limit less its angle brackets).</summary>
    public const int MaxLength = 254;

    /// <summary>Longer input is refused before any normalisation work (room for spaces and invisible characters around an address).</summary>
    private const int MaxInputLength = 1024;

    /// <summary>What an e-mail field accepts, for problem details.</summary>
    public const string Rule = "An e-mail address has text on both sides of its last '@', no spaces or control characters, and at most 254 characters "
        + "(after removing invisible characters such as a zero-width space, Unicode NFKC normalisation and trimming).";

    /// <summary>
    /// <paramref name="email"/> folded by the rule (see the type), or null when it is not plausibly an address: blank,
    /// not valid UTF-16 (a lone surrogate), longer than <see cref="MaxLength"/> once folded (NFKC can lengthen a string,
    /// and surrounding spaces or invisible characters do not count), without text on both sides of its last '@', or with
    /// white space or a control character inside; also, before any work, when longer than 1024 characters as given.
    /// </summary>
    public static string? Normalize(string? email)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > MaxInputLength)
        {
            return null;
        }

        var folded = Fold(email, out var wellFormed);
        var at = folded.LastIndexOf('@');
        return wellFormed && folded.Length <= MaxLength && at > 0 && at < folded.Length - 1
            && !folded.Any(character => char.IsWhiteSpace(character) || char.IsControl(character))
            ? folded
            : null;
    }

    /// <summary>
    /// True when <paramref name="email"/> gives no e-mail at all: null, or nothing once folded (only white space and
    /// invisible characters such as U+200B, U+00AD, U+FEFF or U+2060). Such a value is no identity: keyed as one, it
    /// would make one shopper of everyone who sends it.
    /// </summary>
    public static bool IsBlank([NotNullWhen(false)] string? email) => email is null || (email.Length <= MaxInputLength && Fold(email).Length == 0);

    /// <summary>
    /// <paramref name="email"/> folded by the rule whatever it holds, for keying and comparing text that was not (or
    /// need not be) checked as an address; text that is not valid UTF-16 (a lone surrogate) keeps its code units and
    /// skips NFKC, which cannot read it.
    /// </summary>
    public static string Fold(string email) => Fold(email, out _);

    private static string Fold(string email, out bool wellFormed)
    {
        wellFormed = true;
        var visible = new StringBuilder(email.Length);
        for (var index = 0; index < email.Length;)
        {
            if (Rune.DecodeFromUtf16(email.AsSpan(index), out var rune, out var length) != OperationStatus.Done)
            {
                wellFormed = false;
                visible.Append(email, index, length);
            }
            else if (!IsInvisible(rune))
            {
                visible.Append(email, index, length);
            }

            index += length;
        }

        var text = visible.ToString();
        return (wellFormed ? text.Normalize(NormalizationForm.FormKC) : text).Trim().ToLowerInvariant();
    }

    /// <summary>Format characters (Cf) and Unicode's other Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt).</summary>
    private static bool IsInvisible(Rune rune) =>
        Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format
        || rune.Value is 0x034F or 0x115F or 0x1160 or (>= 0x17B4 and <= 0x17B5) or (>= 0x180B and <= 0x180F) or 0x3164
            or (>= 0xFE00 and <= 0xFE0F) or 0xFFA0 or (>= 0xFFF0 and <= 0xFFF8) or (>= 0xE0000 and <= 0xE0FFF);
}
