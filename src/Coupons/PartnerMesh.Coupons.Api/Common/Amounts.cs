using System.Globalization;
using PartnerMesh.Contracts.Money;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Coupons.Api.Common;

public static class Amounts
{
    /// <summary>
    /// Money for problem details: the amount with its currency's decimals and code ("1000 JPY", "10.50 EUR", "1.500 KWD").
    /// Digits below the minor unit (stored before amounts were checked against it) are shown, never rounded away; without
    /// a known currency, the amount as it is.
    /// </summary>
    public static string Format(decimal amount, string? currency)
    {
        var normalized = DecimalScale.Normalize(amount);
        if (currency is null || !Iso4217.IsActive(currency))
        {
            return $"{normalized.ToString(CultureInfo.InvariantCulture)}{(currency is null ? "" : $" {currency}")}";
        }

        var decimals = Math.Max(Iso4217.MinorUnitsOf(currency), normalized.Scale);
        return $"{normalized.ToString($"F{decimals}", CultureInfo.InvariantCulture)} {currency}";
    }
}
