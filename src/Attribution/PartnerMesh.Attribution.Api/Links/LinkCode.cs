using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using PartnerMesh.Contracts.Codes;

namespace PartnerMesh.Attribution.Api.Links;

/// <summary>Referral codes: lowercase, URL-safe, and when generated, free of look-alike characters (0/o, 1/l/i).</summary>
public static partial class LinkCode
{
    public const int MaxLength = 32;
    public const int GeneratedLength = 8;
    public const string Alphabet = "23456789abcdefghjkmnpqrstuvwxyz";

    public static bool IsValid([NotNullWhen(true)] string? code) => code is not null && Pattern().IsMatch(code);

    /// <summary>
    /// The link code a code typed or sent elsewhere spells: read by the one rule coupons and promotions read codes by
    /// (<see cref="CouponCodeFormat"/>: Unicode NFKC, trimmed, case-insensitive), lower-cased as link codes are stored; null
    /// when it cannot be a code. So <c>" SPRING-1 "</c> and full-width <c>ｓｐｒｉｎｇ－１</c> are the link code <c>spring-1</c>.
    /// </summary>
    public static string? Fold(string? input) =>
        CouponCodeFormat.TryNormalize(input, out var code) ? code.ToLowerInvariant() : null;

    public static string Generate() => RandomNumberGenerator.GetString(Alphabet, GeneratedLength);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{2,31}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
