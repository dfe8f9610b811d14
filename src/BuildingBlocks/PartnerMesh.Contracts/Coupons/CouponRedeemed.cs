using MassTransit;

namespace PartnerMesh.Contracts.Coupons;

/// <summary>
/// An order used a code (once per order and code). <see cref="PartnerId"/> is the partner the sale attributes to: the
/// code's own partner when the code belongs to one, otherwise the partner whose traffic brought the order
/// (<see cref="TrafficPartnerId"/>), if any. <see cref="CodePartnerId"/> is the code's own partner, null for a code of
/// nobody's: it tells a partner's code redeemed with that partner's own traffic (both ids equal) from a code of nobody's
/// (both ids equal too). Events published before it existed lack it: then a <see cref="PartnerId"/> other than
/// <see cref="TrafficPartnerId"/> is the code's partner.
/// </summary>
[MessageUrn("partnermesh:coupons:coupon-redeemed:v1")]
public sealed record CouponRedeemed : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid RedemptionId { get; init; }
    public required string OrderId { get; init; }
    public required Guid CodeId { get; init; }
    public required string Code { get; init; }
    public required Guid CampaignId { get; init; }
    public required Guid PromotionId { get; init; }
    public required decimal OrderTotal { get; init; }
    public required string Currency { get; init; }
    public Guid? PartnerId { get; init; }
    public Guid? TrafficPartnerId { get; init; }
    public Guid? CodePartnerId { get; init; }
    public Guid? ReservationId { get; init; }
    public string? CustomerKey { get; init; }
}
