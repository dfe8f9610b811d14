using MassTransit;

namespace PartnerMesh.Contracts.Promotions;

/// <summary>A budget or usage cap was reached: the promotion stops applying for the rest of <see cref="PeriodKey"/>.</summary>
[MessageUrn("partnermesh:promotions:promotion-budget-exhausted:v1")]
public sealed record PromotionBudgetExhausted : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid PromotionId { get; init; }

    /// <summary>promotion, campaign or partner.</summary>
    public required string Scope { get; init; }

    /// <summary>lifetime, day, week, month or year.</summary>
    public required string Period { get; init; }

    /// <summary>The period that is exhausted: <c>all</c>, <c>2026-12-05</c>, <c>2026-W49</c>, <c>2026-12</c>, <c>2026</c>.</summary>
    public required string PeriodKey { get; init; }

    public string? CampaignId { get; init; }
    public Guid? PartnerId { get; init; }
    public int? MaxUses { get; init; }
    public decimal? MaxSpend { get; init; }
}
