using MassTransit;

namespace PartnerMesh.Contracts.Analytics;

/// <summary>
/// One partner's share of the merchant's revenue (in one currency, over a trailing window) passed the configured
/// threshold: the business depends on a single partner. Raised once per episode; the flag clears when the share drops.
/// </summary>
[MessageUrn("partnermesh:analytics:partner-concentration-risk-detected:v1")]
public sealed record PartnerConcentrationRiskDetected : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid PartnerId { get; init; }
    public required string Currency { get; init; }
    public required decimal PartnerRevenue { get; init; }
    public required decimal TotalRevenue { get; init; }
    /// <summary>PartnerRevenue / TotalRevenue, 0 to 1.</summary>
    public required decimal RevenueShare { get; init; }
    public required decimal Threshold { get; init; }
    public required DateOnly WindowStart { get; init; }
    public required DateOnly WindowEnd { get; init; }
}
