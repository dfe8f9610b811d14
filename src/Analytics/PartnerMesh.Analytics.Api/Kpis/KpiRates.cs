namespace PartnerMesh.Analytics.Api.Kpis;

public static class KpiRates
{
    /// <summary>Orders per click; 0 when there were no clicks.</summary>
    public static decimal ConversionRate(long orders, long clicks) =>
        clicks == 0 ? 0m : Math.Round((decimal)orders / clicks, 4, MidpointRounding.AwayFromZero);

    /// <summary>Revenue per order; 0 when there were no orders.</summary>
    public static decimal AverageOrderValue(decimal revenue, long orders) =>
        orders == 0 ? 0m : Math.Round(revenue / orders, 2, MidpointRounding.AwayFromZero);
}
