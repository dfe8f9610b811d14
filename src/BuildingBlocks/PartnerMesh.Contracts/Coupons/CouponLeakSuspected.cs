using MassTransit;

namespace PartnerMesh.Contracts.Coupons;

/// <summary>
/// A partner's code was redeemed in a way that suggests it leaked: <see cref="Reason"/> <c>no_partner_click</c> (the
/// order did not come from that partner's traffic; <see cref="TrafficPartnerId"/> is whose it did come from, if anyone's)
/// or <c>coupon_site_referrer</c> (the shopper arrived from a coupon site, <see cref="Referrer"/>). The program decides
/// whether commission is withheld; the redemption itself stands.
/// </summary>
[MessageUrn("partnermesh:coupons:coupon-leak-suspected:v1")]
public sealed record CouponLeakSuspected : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid RedemptionId { get; init; }
    public required string OrderId { get; init; }
    public required Guid CodeId { get; init; }
    public required string Code { get; init; }
    public required Guid CampaignId { get; init; }
    public required Guid PartnerId { get; init; }
    public required string Reason { get; init; }
    public Guid? TrafficPartnerId { get; init; }
    public string? Referrer { get; init; }
}
