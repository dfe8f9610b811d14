using MassTransit;

namespace PartnerMesh.Contracts.Coupons;

/// <summary>A use of a code is held for a checkout until <see cref="ExpiresAt"/>: redeemed by the order, or released.</summary>
[MessageUrn("partnermesh:coupons:coupon-reserved:v1")]
public sealed record CouponReserved : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid ReservationId { get; init; }
    public required Guid CodeId { get; init; }
    public required string Code { get; init; }
    public required Guid CampaignId { get; init; }
    public required Guid PromotionId { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public string? CheckoutId { get; init; }
    public Guid? PartnerId { get; init; }
    public string? CustomerKey { get; init; }
}
