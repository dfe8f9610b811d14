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

    /// <summary>Attributed orders on the UTC day of the order, with or without a click.</summary>
    public long Orders { get; init; }

    /// <summary>Of this day's <see cref="Clicks"/>, those followed by at least one attributed order (whenever it came).</summary>
    public long ConvertedClicks { get; init; }

    /// <summary>Attributed orders that came from this day's <see cref="Clicks"/> (whenever they came).</summary>
    public long OrdersFromClicks { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
