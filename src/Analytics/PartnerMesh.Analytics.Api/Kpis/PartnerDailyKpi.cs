namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>One partner's totals for one UTC day. Written only by the atomic upsert in <see cref="KpiStore"/>.</summary>
public sealed class PartnerDailyKpi
{
    public Guid PartnerId { get; init; }

    public DateOnly Day { get; init; }

    public long Clicks { get; init; }

    public long Orders { get; init; }

    public decimal Revenue { get; init; }

    public decimal Commission { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
