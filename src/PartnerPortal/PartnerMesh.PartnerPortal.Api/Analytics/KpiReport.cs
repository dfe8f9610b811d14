namespace PartnerMesh.PartnerPortal.Api.Analytics;

/// <summary>The portal's reading of analytics-api's daily KPI report (its own copy: services share no projects).</summary>
public sealed record KpiReport(Guid PartnerId, string? PartnerName, DateOnly From, DateOnly To, IReadOnlyList<KpiDay> Days, KpiTotals Totals);

/// <param name="Orders">Orders placed on the day, in all currencies.</param>
/// <param name="ConversionRate">Share of the day's clicks followed by at least one order, 0 to 1; null without clicks.</param>
/// <param name="OrdersPerClick">Orders from the day's clicks per click; null without clicks.</param>
/// <param name="Sales">Money per currency, sorted by currency code; empty when there were no orders.</param>
public sealed record KpiDay(
    DateOnly Day, long Clicks, long Orders, decimal? ConversionRate, decimal? OrdersPerClick, IReadOnlyList<KpiSales> Sales)
{
    /// <summary>The day's clicks followed by at least one attributed order (the conversion rate's numerator).</summary>
    public long ConvertedClicks { get; init; }

    /// <summary>Attributed orders from the day's clicks (orders per click's numerator).</summary>
    public long OrdersFromClicks { get; init; }
}

/// <param name="Orders">Orders in all currencies.</param>
/// <param name="ConversionRate">Share of the range's clicks followed by at least one order, 0 to 1; null without clicks.</param>
/// <param name="OrdersPerClick">Orders from the range's clicks per click; null without clicks.</param>
/// <param name="Sales">Money per currency, sorted by currency code; empty when there were no orders.</param>
public sealed record KpiTotals(
    long Clicks, long Orders, decimal? ConversionRate, decimal? OrdersPerClick, IReadOnlyList<KpiSales> Sales)
{
    public long ConvertedClicks { get; init; }

    public long OrdersFromClicks { get; init; }
}

/// <summary>
/// The orders in one currency (ISO 4217 code; "XXX" for orders recorded before currencies were kept): revenue net of
/// refunds and cancellations, <see cref="GrossRevenue"/> the totals as placed.
/// </summary>
public sealed record KpiSales(string Currency, long Orders, decimal Revenue, decimal Commission, decimal AverageOrderValue)
{
    public decimal GrossRevenue { get; init; }
}
