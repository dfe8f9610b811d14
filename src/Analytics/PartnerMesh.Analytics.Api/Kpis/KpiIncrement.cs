namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>What one event adds to a partner's day.</summary>
public readonly record struct KpiIncrement(long Clicks, long Orders)
{
    public static KpiIncrement Click => new(1, 0);

    public static KpiIncrement Order => new(0, 1);
}
