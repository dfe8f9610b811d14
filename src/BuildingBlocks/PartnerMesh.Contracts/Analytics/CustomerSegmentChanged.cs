using MassTransit;

namespace PartnerMesh.Contracts.Analytics;

/// <summary>
/// A customer joined or left a segment (<c>first_time_buyers</c>, <c>frequent_buyers</c>, <c>high_cart_abandoners</c>,
/// <c>lapsed_customers</c>); <see cref="Segments"/> is the customer's full membership afterwards, so a consumer that
/// missed an event still converges. Promotions may target segments with it.
/// </summary>
[MessageUrn("partnermesh:analytics:customer-segment-changed:v1")]
public sealed record CustomerSegmentChanged : IIntegrationEvent
{
    public const string Joined = "joined";
    public const string Left = "left";

    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string CustomerId { get; init; }
    public required string Segment { get; init; }
    /// <summary><c>joined</c> or <c>left</c>.</summary>
    public required string Change { get; init; }
    public required IReadOnlyList<string> Segments { get; init; }
}
