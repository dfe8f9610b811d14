using MassTransit;

namespace PartnerMesh.Contracts.Promotions;

/// <summary>A promotion's staged rollout moved (a new published version that changes only the share of visitors).</summary>
[MessageUrn("partnermesh:promotions:promotion-rollout-changed:v1")]
public sealed record PromotionRolloutChanged : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid PromotionId { get; init; }
    public required int Version { get; init; }
    public required int FromPercent { get; init; }
    public required int ToPercent { get; init; }
    public required string ChangedBy { get; init; }
    public string? Reason { get; init; }
}
