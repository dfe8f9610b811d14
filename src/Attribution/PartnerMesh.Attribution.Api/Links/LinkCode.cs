using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace PartnerMesh.Attribution.Api.Links;

/// <summary>Referral codes: lowercase, URL-safe, and when generated, free of look-alike characters (0/o, 1/l/i).</summary>
public static partial class LinkCode
{
    public const int MaxLength = 32;
    public const int GeneratedLength = 8;
    public const string Alphabet = "23456789abcdefghjkmnpqrstuvwxyz";

    public static bool IsValid(string? code) => code is not null && Pattern().IsMatch(code);

    public static string Generate() => RandomNumberGenerator.GetString(Alphabet, GeneratedLength);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{2,31}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
