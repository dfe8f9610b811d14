using System.Collections.Frozen;

namespace PartnerMesh.Contracts.Money;

/// <summary>
/// The currencies money in PartnerMesh's APIs and events may be in: the active codes of ISO 4217 List One that name
/// money, each with its minor unit (the decimals an amount may have). Every service checks currency fields against this
/// one list, so a code one service refuses is never counted by another from its events.
/// </summary>
/// <remarks>
/// 2025's list, with codes still in their changeover (ANG/XCG, ZWL/ZWG, SLL/SLE, CUC). Left out: withdrawn codes (HRK, …)
/// and the units without a minor unit — precious metals, bond-market units, XDR, XSU, XUA, the testing code XTS and XXX
/// ("no currency", which analytics uses for an order whose currency is not known yet).
/// </remarks>
public static class Iso4217
{
    /// <summary>What a currency field accepts, for problem details.</summary>
    public const string Rule = "an active ISO 4217 currency code of three letters (e.g. EUR)";

    private static readonly FrozenDictionary<string, int> MinorUnitsByCode = Build();

    /// <summary>Whether <paramref name="code"/> (exactly three letters, upper case) is an active currency.</summary>
    public static bool IsActive(string? code) => code is { Length: 3 } && MinorUnitsByCode.ContainsKey(code);

    /// <summary>The decimals <paramref name="code"/> (an active code) has: 0 for JPY, 2 for EUR, 3 for KWD.</summary>
    public static int MinorUnitsOf(string code) => MinorUnitsByCode[code];

    /// <summary>Whether <paramref name="amount"/> has no more decimals than <paramref name="code"/> (an active code) allows.</summary>
    public static bool Fits(decimal amount, string code) => decimal.Round(amount, MinorUnitsOf(code)) == amount;

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
        var units = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (codes, decimals) in new[] { (twoDecimals, 2), (noDecimals, 0), (threeDecimals, 3), (fourDecimals, 4) })
        {
            foreach (var code in codes.Split(' '))
            {
                units.Add(code, decimals);
            }
        }

        return units.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
