namespace PartnerMesh.Analytics.Api.Kpis;

public sealed record PartnerDailyKpisResponse(
    Guid PartnerId,
    string? PartnerName,
    DateOnly From,
    DateOnly To,
    IReadOnlyList<KpiDayResponse> Days,
    KpiTotalsResponse Totals);

/// <summary>Clicks and orders of a day; money per currency in <see cref="Sales"/> (sorted by currency, empty without orders).</summary>
/// <param name="Orders">Attributed orders placed on the day, with or without a click.</param>
/// <param name="ConvertedClicks">The day's clicks followed by at least one attributed order.</param>
/// <param name="OrdersFromClicks">Attributed orders from the day's clicks.</param>
/// <param name="ConversionRate">ConvertedClicks / Clicks, in [0, 1]; null without clicks.</param>
/// <param name="OrdersPerClick">OrdersFromClicks / Clicks; null without clicks.</param>
public sealed record KpiDayResponse(
    DateOnly Day,
    long Clicks,
    long Orders,
    long ConvertedClicks,
    long OrdersFromClicks,
    decimal? ConversionRate,
    decimal? OrdersPerClick,
    IReadOnlyList<SalesResponse> Sales);

/// <summary>The range's sums; the rates are the ratios of the sums, not averages of the days' rates.</summary>
public sealed record KpiTotalsResponse(
    long Clicks,
    long Orders,
    long ConvertedClicks,
    long OrdersFromClicks,
    decimal? ConversionRate,
    decimal? OrdersPerClick,
    IReadOnlyList<SalesResponse> Sales);

/// <summary>
/// One currency's money, net as in the KPI report's <c>sales[]</c>: <see cref="Orders"/> the orders not cancelled,
/// <see cref="Revenue"/> order totals less refunds and cancellations (<see cref="GrossRevenue"/> as placed),
/// <see cref="Commission"/> net of reversals, <see cref="AverageOrderValue"/> net revenue over those orders in the
/// currency's minor unit (0 without orders).
/// </summary>
public sealed record SalesResponse(string Currency, long Orders, decimal Revenue, decimal GrossRevenue, decimal Commission, decimal AverageOrderValue);

public sealed record PartnersDayResponse(DateOnly Day, IReadOnlyList<PartnerDayResponse> Partners);

public sealed record PartnerDayResponse(
    Guid PartnerId,
    string? PartnerName,
    long Clicks,
    long Orders,
    long ConvertedClicks,
    long OrdersFromClicks,
    decimal? ConversionRate,
    decimal? OrdersPerClick,
    IReadOnlyList<SalesResponse> Sales);
