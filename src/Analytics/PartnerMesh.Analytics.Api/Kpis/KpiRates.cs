namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>The ratios of the KPI reports; their definitions are in docs/kpis.md.</summary>
public static class KpiRates
{
    /// <summary>Decimal places of every ratio, rounded half away from zero (0.16665 → 0.1667).</summary>
    public const int RatioDecimals = 4;

    /// <summary>
    /// Converted clicks over clicks: the share of clicks followed by at least one attributed order, in [0, 1];
    /// <c>null</c> when there were no clicks.
    /// </summary>
    public static decimal? ConversionRate(long convertedClicks, long clicks) => Ratio(convertedClicks, clicks);

    /// <summary>Orders from clicks over clicks, 0 or more; <c>null</c> when there were no clicks.</summary>
    public static decimal? OrdersPerClick(long ordersFromClicks, long clicks) => Ratio(ordersFromClicks, clicks);

    /// <summary>Revenue per order in <paramref name="currency"/>, rounded as <see cref="Money"/>; 0 when there were no orders.</summary>
    public static decimal AverageOrderValue(decimal revenue, long orders, string currency) =>
        orders == 0 ? 0m : Money(revenue / orders, currency);

    /// <summary>numerator / denominator rounded to <see cref="RatioDecimals"/>; <c>null</c> when the denominator is 0.</summary>
    public static decimal? Ratio(long numerator, long denominator) =>
        denominator == 0 ? null : Math.Round((decimal)numerator / denominator, RatioDecimals, MidpointRounding.AwayFromZero);

    /// <summary>Money over money (e.g. a partner's revenue over all revenue); <c>null</c> when the denominator is 0.</summary>
    public static decimal? Ratio(decimal numerator, decimal denominator) =>
        denominator == 0m ? null : Math.Round(numerator / denominator, RatioDecimals, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Net promoter score: (promoters (9–10) − detractors (0–6)) / answers × 100, from −100 to 100, one decimal;
    /// <c>null</c> without answers.
    /// </summary>
    public static decimal? NetPromoterScore(long promoters, long detractors, long responses) =>
        responses == 0 ? null : Math.Round((decimal)(promoters - detractors) * 100 / responses, 1, MidpointRounding.AwayFromZero);

    /// <summary>Money per order in <paramref name="currency"/>, rounded as <see cref="Money"/>; <c>null</c> without orders.</summary>
    public static decimal? AverageOrderValueOrNull(decimal revenue, long orders, string currency) =>
        orders == 0 ? null : Money(revenue / orders, currency);

    /// <summary>
    /// Money analytics derives by division, rounded half away from zero to its currency's minor unit (JPY 1370 / 3 →
    /// 457, EUR → 2 decimals, KWD 2.011 / 2 → 1.006); 2 decimals for a code that is no active currency (sales kept
    /// before analytics knew currencies, <c>XXX</c>).
    /// </summary>
    public static decimal Money(decimal amount, string currency) =>
        Math.Round(amount, CurrencyCode.IsValid(currency) ? CurrencyCode.MinorUnitsOf(currency) : 2, MidpointRounding.AwayFromZero);
}
