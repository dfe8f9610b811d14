namespace PartnerMesh.Analytics.Api.Kpis;

public sealed record PartnerDailyKpisResponse(
    Guid PartnerId,
    string? PartnerName,
    DateOnly From,
    DateOnly To,
    IReadOnlyList<KpiDayResponse> Days,
    KpiTotalsResponse Totals);

/// <summary>Clicks and orders of a day; money per currency in <see cref="Sales"/> (sorted by currency, empty without orders).</summary>
public sealed record KpiDayResponse(DateOnly Day, long Clicks, long Orders, decimal ConversionRate, IReadOnlyList<SalesResponse> Sales);

public sealed record KpiTotalsResponse(long Clicks, long Orders, decimal ConversionRate, IReadOnlyList<SalesResponse> Sales);

public sealed record SalesResponse(string Currency, long Orders, decimal Revenue, decimal Commission, decimal AverageOrderValue);

public sealed record PartnersDayResponse(DateOnly Day, IReadOnlyList<PartnerDayResponse> Partners);

public sealed record PartnerDayResponse(
    Guid PartnerId,
    string? PartnerName,
    long Clicks,
    long Orders,
    decimal ConversionRate,
    IReadOnlyList<SalesResponse> Sales);
