using MassTransit;

namespace PartnerMesh.Contracts.Promotions;

/// <summary>A live promotion was paused, resumed or ended.</summary>
[MessageUrn("partnermesh:promotions:promotion-status-changed:v1")]
public sealed record PromotionStatusChanged : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid PromotionId { get; init; }
    public required int Version { get; init; }

    /// <summary>paused, published (resumed) or ended.</summary>
    public required string Status { get; init; }

    public required string ChangedBy { get; init; }
    public string? Reason { get; init; }
    public required long RuleSetVersion { get; init; }
}
