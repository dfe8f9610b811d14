namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>
/// One partner's activity on one UTC day: clicks and orders (in every currency). Money is kept per currency in
/// <see cref="PartnerDailySales"/>. Written only by the atomic upserts in <see cref="KpiStore"/>.
/// </summary>
public sealed class PartnerDailyKpi
{
    public Guid PartnerId { get; init; }

    public DateOnly Day { get; init; }

    public long Clicks { get; init; }

    public long Orders { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
