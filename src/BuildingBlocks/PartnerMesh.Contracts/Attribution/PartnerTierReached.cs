using MassTransit;

namespace PartnerMesh.Contracts.Attribution;

/// <summary>A partner graduated to a higher volume tier of its commission plan in the current period.</summary>
[MessageUrn("partnermesh:attribution:partner-tier-reached:v1")]
public sealed record PartnerTierReached : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid PartnerId { get; init; }
    public required Guid ProgramId { get; init; }
    /// <summary>1-based index of the tier in the plan.</summary>
    public required int Tier { get; init; }
    public required decimal Rate { get; init; }
    /// <summary>The period, e.g. <c>2026-12</c> (calendar month, UTC).</summary>
    public required string Period { get; init; }
    public required int PeriodConversions { get; init; }
}
