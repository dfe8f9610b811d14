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

    /// <summary>Revenue per order; 0 when there were no orders.</summary>
    public static decimal AverageOrderValue(decimal revenue, long orders) =>
        orders == 0 ? 0m : Math.Round(revenue / orders, 2, MidpointRounding.AwayFromZero);

    private static decimal? Ratio(long numerator, long clicks) =>
        clicks == 0 ? null : Math.Round((decimal)numerator / clicks, RatioDecimals, MidpointRounding.AwayFromZero);
}
