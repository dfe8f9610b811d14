using MassTransit;

namespace PartnerMesh.Contracts.Analytics;

/// <summary>
/// A cart that exists server-side went stale without an order (analytics decides, from the storefront's own events;
/// a client cannot claim it). Behaviour-triggered offers key on it.
/// </summary>
[MessageUrn("partnermesh:analytics:cart-abandoned:v1")]
public sealed record CartAbandoned : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string CartId { get; init; }
    public required string VisitorId { get; init; }
    public required decimal CartTotal { get; init; }
    public required string Currency { get; init; }
    public required DateTimeOffset LastActivityAt { get; init; }
    public string? CustomerId { get; init; }
    public string? Email { get; init; }
}
