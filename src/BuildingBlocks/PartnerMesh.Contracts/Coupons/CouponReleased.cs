using MassTransit;

namespace PartnerMesh.Contracts.Coupons;

/// <summary>A held reservation was given back without an order: <see cref="Reason"/> <c>expired</c> or <c>released</c>
/// (the storefront gave it back, e.g. the checkout was abandoned).</summary>
[MessageUrn("partnermesh:coupons:coupon-released:v1")]
public sealed record CouponReleased : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid ReservationId { get; init; }
    public required Guid CodeId { get; init; }
    public required string Code { get; init; }
    public required Guid CampaignId { get; init; }
    public required string Reason { get; init; }
}
