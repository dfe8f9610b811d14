using MassTransit;

namespace PartnerMesh.Contracts.Promotions;

/// <summary>
/// A visitor was first exposed to an experiment: an evaluation considered one of its variant promotions for them and
/// they were shown <see cref="Variant"/> (<c>holdout</c> for the holdout). Once per experiment and visitor.
/// </summary>
[MessageUrn("partnermesh:promotions:experiment-exposed:v1")]
public sealed record ExperimentExposed : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid ExperimentId { get; init; }
    public required string Variant { get; init; }
    /// <summary>The id assignment hashed: the customer id, else the visitor id.</summary>
    public required string StickyId { get; init; }
    public Guid? PartnerId { get; init; }
}
