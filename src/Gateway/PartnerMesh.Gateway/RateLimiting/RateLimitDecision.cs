namespace PartnerMesh.Gateway.RateLimiting;

/// <summary>The outcome of counting one request in its window.</summary>
public sealed record RateLimitDecision(int Limit, long Count, int ResetSeconds)
{
    public bool Allowed => Count <= Limit;

    public long Remaining => Math.Max(0, Limit - Count);
}
