using MassTransit;

namespace PartnerMesh.Contracts.Coupons;

/// <summary>A redemption was undone and its use given back: <see cref="Reason"/> <c>cancelled</c> (the order was cancelled)
/// or <c>refunded</c> (the order was refunded in full; a partial refund gives nothing back).</summary>
[MessageUrn("partnermesh:coupons:coupon-restored:v1")]
public sealed record CouponRestored : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid RedemptionId { get; init; }
    public required string OrderId { get; init; }
    public required Guid CodeId { get; init; }
    public required string Code { get; init; }
    public required Guid CampaignId { get; init; }
    public required string Reason { get; init; }
    public Guid? PartnerId { get; init; }
}
