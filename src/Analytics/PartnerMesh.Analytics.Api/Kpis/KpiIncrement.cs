namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>What one event adds to a partner's day.</summary>
public readonly record struct KpiIncrement(long Clicks, long Orders, long ConvertedClicks = 0, long OrdersFromClicks = 0)
{
    public static KpiIncrement Click => new(1, 0);

    public static KpiIncrement Order => new(0, 1);

    public static KpiIncrement operator +(KpiIncrement left, KpiIncrement right) => new(
        left.Clicks + right.Clicks,
        left.Orders + right.Orders,
        left.ConvertedClicks + right.ConvertedClicks,
        left.OrdersFromClicks + right.OrdersFromClicks);
}
