using System.Collections.Frozen;

namespace PartnerMesh.Promotions.Domain.Money;

/// <summary>
/// ISO 4217 currencies the engine prices in and their minor units. Amounts are <see cref="decimal"/>; every discount is
/// rounded to the currency's minor unit, half away from zero (commercial rounding), once on the base its rule states.
/// </summary>
public static class Currencies
{
    private static readonly FrozenDictionary<string, int> MinorUnits = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["AED"] = 2, ["AUD"] = 2, ["BGN"] = 2, ["BHD"] = 3, ["BRL"] = 2, ["CAD"] = 2, ["CHF"] = 2, ["CLP"] = 0,
        ["CNY"] = 2, ["CZK"] = 2, ["DKK"] = 2, ["EUR"] = 2, ["GBP"] = 2, ["HKD"] = 2, ["HUF"] = 2, ["IDR"] = 2,
        ["ILS"] = 2, ["INR"] = 2, ["ISK"] = 0, ["JOD"] = 3, ["JPY"] = 0, ["KRW"] = 0, ["KWD"] = 3, ["MXN"] = 2,
        ["MYR"] = 2, ["NOK"] = 2, ["NZD"] = 2, ["OMR"] = 3, ["PHP"] = 2, ["PLN"] = 2, ["RON"] = 2, ["SAR"] = 2,
        ["SEK"] = 2, ["SGD"] = 2, ["THB"] = 2, ["TND"] = 3, ["TRY"] = 2, ["TWD"] = 2, ["UAH"] = 2, ["USD"] = 2,
        ["VND"] = 0, ["ZAR"] = 2,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// The largest amount any single money value may state: a cart's unit prices and shipping, and every amount, cap and
    /// threshold of a promotion. Sums of such amounts stay far inside <see cref="decimal"/> and the numeric columns.
    /// </summary>
    public const decimal MaxAmount = 1_000_000_000m;

    public static IEnumerable<string> Supported => MinorUnits.Keys;

    public static bool IsSupported(string? currency) => currency is not null && MinorUnits.ContainsKey(currency);

    public static int MinorUnitsOf(string currency) =>
        MinorUnits.TryGetValue(currency, out var units) ? units : throw new ArgumentException($"Unsupported currency '{currency}'.", nameof(currency));

    public static decimal Round(decimal amount, string currency) =>
        Math.Round(amount, MinorUnitsOf(currency), MidpointRounding.AwayFromZero);

    /// <summary>True when the amount has no more decimals than the currency's minor unit allows.</summary>
    public static bool IsWholeMinorUnits(decimal amount, string currency) => Round(amount, currency) == amount;

    public static decimal MinorUnit(string currency) => MinorUnitsOf(currency) switch
    {
        0 => 1m,
        2 => 0.01m,
        3 => 0.001m,
        var units => 1m / (decimal)Math.Pow(10, units),
    };
}
