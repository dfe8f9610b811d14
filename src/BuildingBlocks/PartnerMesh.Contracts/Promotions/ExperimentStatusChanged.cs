using MassTransit;

namespace PartnerMesh.Contracts.Promotions;

/// <summary>An experiment started, stopped, or completed with <see cref="Winner"/> promoted.</summary>
[MessageUrn("partnermesh:promotions:experiment-status-changed:v1")]
public sealed record ExperimentStatusChanged : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid ExperimentId { get; init; }
    public required string Name { get; init; }
    /// <summary><c>running</c>, <c>stopped</c> or <c>completed</c>.</summary>
    public required string Status { get; init; }
    public required IReadOnlyList<string> Variants { get; init; }
    public required int HoldoutPercent { get; init; }
    public required string ChangedBy { get; init; }
    public string? Winner { get; init; }
    public Guid? PartnerId { get; init; }
}
