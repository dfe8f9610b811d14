using System.Globalization;
using PartnerMesh.Contracts.Money;

namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>
/// The one currency rule of analytics (events, campaigns, reports): an active ISO 4217 currency code, any case
/// (<see cref="Iso4217"/>, the list every service checks against), and the amounts it can express (no digits below its
/// minor unit).
/// </summary>
public static class CurrencyCode
{
    public const string Rule = "An active ISO 4217 currency code of three letters (e.g. EUR).";

    public static bool IsValid(string? currency) => currency is { Length: 3 } && Iso4217.IsActive(currency.ToUpperInvariant());

    /// <summary>The decimals <paramref name="currency"/> (a valid code) has: 0 for JPY, 2 for EUR, 3 for KWD.</summary>
    public static int MinorUnitsOf(string currency) => Iso4217.MinorUnitsOf(currency.ToUpperInvariant());

    /// <summary>Whether <paramref name="amount"/> has no more decimals than <paramref name="currency"/> (a valid code) allows.</summary>
    public static bool Fits(decimal amount, string currency) => Iso4217.Fits(amount, currency.ToUpperInvariant());

    /// <summary>The amount with its currency's decimals and code ("100.00 EUR", "1200 JPY"), for problem details.</summary>
    public static string Format(decimal amount, string currency) =>
        (IsValid(currency) ? amount.ToString($"F{MinorUnitsOf(currency)}", CultureInfo.InvariantCulture) : amount.ToString(CultureInfo.InvariantCulture))
        + " " + currency.ToUpperInvariant();
}
