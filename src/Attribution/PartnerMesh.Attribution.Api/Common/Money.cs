using PartnerMesh.Contracts.Money;

namespace PartnerMesh.Attribution.Api.Common;

public static class Money
{
    /// <summary>Largest order amount accepted; anything above is treated as a mistake, not an order.</summary>
    public const decimal MaxAmount = 10_000_000m;

    /// <summary>Database scale of every money column: enough for the currencies with the most minor digits (CLF, UYW).</summary>
    public const int StorageScale = 4;

    private static readonly decimal[] Zeros = [0m, 0.0m, 0.00m, 0.000m, 0.0000m];

    /// <summary>What a currency field accepts; the problem every such field answers otherwise.</summary>
    public const string CurrencyRule = "an active ISO 4217 currency code of three letters (any case, no spaces) naming money (not XXX, XTS, XAU or another unit without a minor unit)";

    /// <summary>An active currency of the list every service shares (<see cref="Iso4217"/>), in upper case.</summary>
    public static bool IsCurrency(string? code) => Iso4217.IsActive(code);

    public static int MinorUnits(string currency) => Iso4217.IsActive(currency) ? Iso4217.MinorUnitsOf(currency) : 2;

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
