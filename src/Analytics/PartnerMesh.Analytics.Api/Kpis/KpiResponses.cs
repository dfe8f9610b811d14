namespace PartnerMesh.Analytics.Api.Kpis;

public sealed record PartnerDailyKpisResponse(
    Guid PartnerId,
    string? PartnerName,
    DateOnly From,
    DateOnly To,
    IReadOnlyList<KpiDayResponse> Days,
    KpiTotalsResponse Totals);

public sealed record KpiDayResponse(DateOnly Day, long Clicks, long Orders, decimal Revenue, decimal Commission, decimal ConversionRate);

public sealed record KpiTotalsResponse(
    long Clicks, long Orders, decimal Revenue, decimal Commission, decimal ConversionRate, decimal AverageOrderValue);

public sealed record PartnersDayResponse(DateOnly Day, IReadOnlyList<PartnerDayResponse> Partners);

public sealed record PartnerDayResponse(
    Guid PartnerId,
    string? PartnerName,
    long Clicks,
    long Orders,
    decimal Revenue,
    decimal Commission,
    decimal ConversionRate,
    decimal AverageOrderValue);
