using System.Collections.Frozen;
using System.Globalization;

namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>
/// The one currency rule of analytics (events, campaigns, reports): an active ISO 4217 currency code, any case, and the
/// amounts it can express (no digits below its minor unit).
/// </summary>
/// <remarks>
/// The codes of ISO 4217 List One that name money (2025, with codes still in their changeover: ANG/XCG, ZWL/ZWG,
/// SLL/SLE, CUC), each with its minor unit. Left out: withdrawn codes (HRK, …) and the units without a minor unit —
/// precious metals, bond-market units, XDR, XSU, XUA, the testing code XTS and XXX, which analytics itself uses for
/// "no currency known". Attribution and promotions keep their own lists and a building block shares none yet.
/// </remarks>
public static class CurrencyCode
{
    public const string Rule = "An active ISO 4217 currency code of three letters (e.g. EUR).";

    private static readonly FrozenDictionary<string, int> MinorUnits = Build();

    public static bool IsValid(string? currency) => currency is { Length: 3 } && MinorUnits.ContainsKey(currency);

    /// <summary>The decimals <paramref name="currency"/> (a valid code) has: 0 for JPY, 2 for EUR, 3 for KWD.</summary>
    public static int MinorUnitsOf(string currency) => MinorUnits[currency];

    /// <summary>Whether <paramref name="amount"/> has no more decimals than <paramref name="currency"/> (a valid code) allows.</summary>
    public static bool Fits(decimal amount, string currency) => decimal.Round(amount, MinorUnitsOf(currency)) == amount;

    /// <summary>The amount with its currency's decimals and code ("100.00 EUR", "1200 JPY"), for problem details.</summary>
    public static string Format(decimal amount, string currency) =>
        (IsValid(currency) ? amount.ToString($"F{MinorUnitsOf(currency)}", CultureInfo.InvariantCulture) : amount.ToString(CultureInfo.InvariantCulture))
        + " " + currency.ToUpperInvariant();

    private static FrozenDictionary<string, int> Build()
    {
        const string twoDecimals =
            "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF "
            + "CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG "
            + "HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK "
            + "MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE "
            + "SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR "
            + "ZMW ZWG ZWL";
        const string noDecimals = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
        const string threeDecimals = "BHD IQD JOD KWD LYD OMR TND";
        const string fourDecimals = "CLF UYW";
        var units = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (codes, decimals) in new[] { (twoDecimals, 2), (noDecimals, 0), (threeDecimals, 3), (fourDecimals, 4) })
        {
            foreach (var code in codes.Split(' '))
            {
                units.Add(code, decimals);
            }
        }

        return units.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
