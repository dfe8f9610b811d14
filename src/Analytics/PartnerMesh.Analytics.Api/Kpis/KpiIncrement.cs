namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>What one event adds to a partner's day.</summary>
public readonly record struct KpiIncrement(long Clicks, long Orders, decimal Revenue, decimal Commission)
{
    public static KpiIncrement Click => new(1, 0, 0, 0);

    public static KpiIncrement Conversion(decimal orderAmount, decimal commission) => new(0, 1, orderAmount, commission);
}
