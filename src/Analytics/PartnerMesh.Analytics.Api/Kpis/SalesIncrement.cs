namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>What an order (or a change to it) adds to a partner's daily sales in its currency.</summary>
public readonly record struct SalesIncrement(long Orders, decimal Revenue, decimal GrossRevenue, decimal Commission)
{
    public static SalesIncrement operator +(SalesIncrement left, SalesIncrement right) => new(
        left.Orders + right.Orders,
        left.Revenue + right.Revenue,
        left.GrossRevenue + right.GrossRevenue,
        left.Commission + right.Commission);

    public static SalesIncrement operator -(SalesIncrement left, SalesIncrement right) => new(
        left.Orders - right.Orders,
        left.Revenue - right.Revenue,
        left.GrossRevenue - right.GrossRevenue,
        left.Commission - right.Commission);
}
