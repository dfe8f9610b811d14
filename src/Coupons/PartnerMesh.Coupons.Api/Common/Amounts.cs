using System.Globalization;
using PartnerMesh.Contracts.Money;

namespace PartnerMesh.Coupons.Api.Common;

public static class Amounts
{
    /// <summary>Drops trailing zeros (PostgreSQL's <c>numeric(20,4)</c> reads 50 back as 50.0000), so a replayed answer
    /// is written exactly as the first one was.</summary>
    public static decimal Normalize(decimal amount) => amount / 1.000000000000000000000000000000000m;

    public static decimal? Normalize(decimal? amount) => amount is { } value ? Normalize(value) : null;

    /// <summary>
    /// Money for problem details: the amount with its currency's decimals and code ("1000 JPY", "10.50 EUR", "1.500 KWD").
    /// Digits below the minor unit (stored before amounts were checked against it) are shown, never rounded away; without
    /// a known currency, the amount as it is.
    /// </summary>
    public static string Format(decimal amount, string? currency)
    {
        var normalized = Normalize(amount);
        if (currency is null || !Iso4217.IsActive(currency))
        {
            return $"{normalized.ToString(CultureInfo.InvariantCulture)}{(currency is null ? "" : $" {currency}")}";
        }

        var decimals = Math.Max(Iso4217.MinorUnitsOf(currency), normalized.Scale);
        return $"{normalized.ToString($"F{decimals}", CultureInfo.InvariantCulture)} {currency}";
    }
}
