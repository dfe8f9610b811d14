using MassTransit;

namespace PartnerMesh.Contracts.Promotions;

/// <summary>
/// A visitor was first shown a product-page content entry's <see cref="Variant"/> (<c>holdout</c>: held out of its test
/// and shown what came next). Once per entry and visitor; orders count for that variant from then on.
/// </summary>
[MessageUrn("partnermesh:promotions:product-page-content-exposed:v1")]
public sealed record ProductPageContentExposed : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid ContentId { get; init; }
    public required string Variant { get; init; }
    /// <summary>The id assignment hashed: the customer id, else the visitor id.</summary>
    public required string StickyId { get; init; }
    public Guid? PartnerId { get; init; }
}
