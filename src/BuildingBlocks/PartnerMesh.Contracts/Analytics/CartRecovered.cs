using MassTransit;

namespace PartnerMesh.Contracts.Analytics;

/// <summary>
/// A cart analytics reported abandoned (<see cref="CartAbandoned"/>) got its order after all. Offers still waiting to be
/// sent for that cart are dropped (the fact they were based on no longer holds).
/// </summary>
[MessageUrn("partnermesh:analytics:cart-recovered:v1")]
public sealed record CartRecovered : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string CartId { get; init; }
    public required string OrderId { get; init; }
    public required string VisitorId { get; init; }
    public string? CustomerId { get; init; }
    public string? Email { get; init; }
}
