using System.Collections.Frozen;

namespace PartnerMesh.Attribution.Api.Common;

public static class Money
{
    /// <summary>Largest order amount accepted; anything above is treated as a mistake, not an order.</summary>
    public const decimal MaxAmount = 10_000_000m;

    /// <summary>Database scale of every money column: enough for the currencies with the most minor digits (CLF, UYW).</summary>
    public const int StorageScale = 4;

    /// <summary>ISO 4217 currencies whose minor unit is not 2 digits (everything else has cents).</summary>
    private static readonly FrozenDictionary<string, int> MinorUnitExceptions = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0, ["KRW"] = 0,
        ["PYG"] = 0, ["RWF"] = 0, ["UGX"] = 0, ["UYI"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0, ["XOF"] = 0, ["XPF"] = 0,
        ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3,
        ["CLF"] = 4, ["UYW"] = 4,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// ISO 4217 codes that name no money a shop is paid in (no minor unit in the standard): "no currency" (XXX), the
    /// testing code (XTS), precious metals, bond-market and other units of account. Analytics uses XXX for "unknown".
    /// </summary>
    private static readonly FrozenSet<string> NotMoney = new[]
    {
        "XXX", "XTS", "XAU", "XAG", "XPD", "XPT", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XUA",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly decimal[] Zeros = [0m, 0.0m, 0.00m, 0.000m, 0.0000m];

    /// <summary>What a currency field accepts; the problem every such field answers otherwise.</summary>
    public const string CurrencyRule = "an ISO 4217 code of 3 uppercase letters naming money (not XXX, XTS, XAU, XAG, XPD, XPT or another unit without a minor unit)";

    /// <summary>Three uppercase letters, and not a code without money (<see cref="NotMoney"/>).</summary>
    public static bool IsCurrency(string? code) =>
        code is { Length: 3 } && code.All(char.IsAsciiLetterUpper) && !NotMoney.Contains(code);

    public static int MinorUnits(string currency) => MinorUnitExceptions.TryGetValue(currency, out var digits) ? digits : 2;

    public static bool HasAtMostDecimals(decimal value, int decimals) => decimal.Round(value, decimals) == value;

    /// <summary>Whether <paramref name="value"/> is expressible in <paramref name="currency"/> (no digits below its minor unit).</summary>
    public static bool FitsCurrency(decimal value, string currency) => HasAtMostDecimals(value, MinorUnits(currency));

    /// <summary>
    /// Rounds half away from zero to the currency's minor unit and fixes the scale at exactly that many decimals, so a
    /// value serializes the same before and after a round trip through a wider <c>numeric</c> column (JPY 100, KWD 1.235).
    /// </summary>
    public static decimal Round(decimal value, string currency)
    {
        var digits = MinorUnits(currency);
        return decimal.Round(decimal.Round(value, digits, MidpointRounding.AwayFromZero) + Zeros[digits], digits);
    }

    /// <summary>Two-decimal rounding, kept for amounts that are cents by definition.</summary>
    public static decimal ToCents(decimal value) => Round(value, "EUR");
}
