using MassTransit;

namespace PartnerMesh.Contracts.Promotions;

/// <summary>A promotion version went live: first publish, a published edit, or a rollback to an earlier version.</summary>
[MessageUrn("partnermesh:promotions:promotion-published:v1")]
public sealed record PromotionPublished : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid PromotionId { get; init; }
    public required int Version { get; init; }
    public required string Name { get; init; }
    public string? CampaignId { get; init; }

    /// <summary>item, order or shipping.</summary>
    public required string StackingClass { get; init; }

    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    public required string ChangedBy { get; init; }
    public string? Reason { get; init; }
    public required long RuleSetVersion { get; init; }
}
