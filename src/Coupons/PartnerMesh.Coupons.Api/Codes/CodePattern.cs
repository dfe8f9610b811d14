using System.Numerics;
using System.Security.Cryptography;
using PartnerMesh.Contracts.Codes;

namespace PartnerMesh.Coupons.Api.Codes;

/// <summary>
/// A bulk-generation pattern: <c>#</c> a digit, <c>?</c> a letter, <c>*</c> a letter or digit, anything else literal
/// (<c>SPRING-####-????</c>). Generated characters come from alphabets without look-alikes (no 0/O, 1/I/L). A request is
/// feasible when it asks for at most a tenth of the pattern's space, so random draws rarely collide and guessing a
/// valid code stays hard.
/// </summary>
public sealed class CodePattern
{
    public const string Digits = "23456789";
    public const string Letters = "ABCDEFGHJKMNPQRSTUVWXYZ";
    public const string Alphanumerics = Digits + Letters;
    public const decimal SafeDensity = 0.1m;

    private readonly string[] _slots;

    private CodePattern(string prefix, string pattern, string suffix, string[] slots)
    {
        Prefix = prefix;
        Pattern = pattern;
        Suffix = suffix;
        _slots = slots;
        Space = slots.Aggregate(BigInteger.One, (space, slot) => slot.Length > 1 ? space * slot.Length : space);
    }

    public string Prefix { get; }

    public string Pattern { get; }

    public string Suffix { get; }

    /// <summary>How many distinct codes the pattern can make.</summary>
    public BigInteger Space { get; }

    public int Placeholders => _slots.Count(slot => slot.Length > 1);

    /// <summary>The most codes one pattern may be asked for: a tenth of its space.</summary>
    public BigInteger MaxSafeCount => Space / 10;

    /// <summary>Parses a pattern; the error names what is wrong.</summary>
    public static CodePattern? TryParse(string? pattern, string? prefix, string? suffix, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(pattern))
        {
            error = "pattern is required, e.g. \"SPRING-####-????\" (# a digit, ? a letter, * a letter or digit).";
            return null;
        }

        var slots = new List<string>();
        var literal = new System.Text.StringBuilder();
        foreach (var character in pattern)
        {
            switch (character)
            {
                case '#': slots.Add(Digits); break;
                case '?': slots.Add(Letters); break;
                case '*': slots.Add(Alphanumerics); break;
                default:
                    slots.Add(character.ToString());
                    literal.Append(character);
                    break;
            }
        }

        var full = (prefix ?? "") + literal + (suffix ?? "");
        if (!full.All(character => char.IsAsciiLetterUpper(character) || char.IsAsciiDigit(character) || character is '-' or '_'))
        {
            error = "prefix, suffix and the pattern's literal characters must be upper-case A-Z, 0-9, '-' or '_'.";
            return null;
        }

        if (!slots.Any(slot => slot.Length > 1))
        {
            error = "pattern needs at least one placeholder (# a digit, ? a letter, * a letter or digit).";
            return null;
        }

        if ((prefix?.Length ?? 0) + slots.Count + (suffix?.Length ?? 0) > CouponCodeFormat.MaxLength)
        {
            error = $"prefix + pattern + suffix must not be longer than {CouponCodeFormat.MaxLength} characters.";
            return null;
        }

        return new CodePattern(prefix ?? "", pattern, suffix ?? "", [.. slots]);
    }

    /// <summary>The whole shape, prefix + pattern + suffix: two requests with the same template draw from the same space,
    /// however they split it (prefix <c>A-</c> with <c>##</c> is pattern <c>A-##</c>).</summary>
    public string Template => Prefix + Pattern + Suffix;

    /// <summary>
    /// Why <paramref name="count"/> more codes cannot be made from this pattern when <paramref name="existing"/> codes of
    /// its space exist or are being generated already, or null when they can.
    /// </summary>
    public string? WhyInfeasible(int count, long existing = 0) =>
        existing + count <= MaxSafeCount
            ? null
            : existing == 0
            ? $"{count} codes need a pattern space of at least {new BigInteger(count) * 10} (at most a tenth of the space may be used, " +
              $"so codes stay hard to guess and unique draws stay cheap); \"{Pattern}\" has {Space} ({Placeholders} placeholders). " +
              "Add placeholders or use '*' (31 characters) instead of '#' (8) or '?' (23)."
            : $"{existing} codes of \"{Template}\" exist or are being generated already; {count} more would make {existing + count}, " +
              $"over the {MaxSafeCount} (a tenth of its space of {Space}) that may be used, so codes stay hard to guess and unique draws " +
              "stay cheap. Use another prefix, or add placeholders.";

    /// <summary>A random code (cryptographically random characters).</summary>
    public string Next()
    {
        Span<char> buffer = stackalloc char[Prefix.Length + _slots.Length + Suffix.Length];
        Prefix.CopyTo(buffer);
        for (var index = 0; index < _slots.Length; index++)
        {
            var slot = _slots[index];
            buffer[Prefix.Length + index] = slot.Length == 1 ? slot[0] : slot[RandomNumberGenerator.GetInt32(slot.Length)];
        }

        Suffix.CopyTo(buffer[(Prefix.Length + _slots.Length)..]);
        return new string(buffer);
    }
}
