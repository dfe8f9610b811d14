namespace PartnerMesh.PartnerPortal.Api.Analytics;

/// <summary>The portal's reading of analytics-api's daily KPI report (its own copy: services share no projects).</summary>
public sealed record KpiReport(Guid PartnerId, string? PartnerName, DateOnly From, DateOnly To, IReadOnlyList<KpiDay> Days, KpiTotals Totals);

public sealed record KpiDay(DateOnly Day, long Clicks, long Orders, decimal Revenue, decimal Commission, decimal ConversionRate);

public sealed record KpiTotals(long Clicks, long Orders, decimal Revenue, decimal Commission, decimal ConversionRate, decimal AverageOrderValue);
