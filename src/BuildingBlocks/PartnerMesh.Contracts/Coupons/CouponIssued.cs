using MassTransit;

namespace PartnerMesh.Contracts.Coupons;

/// <summary>
/// A coupon code exists and can be used: created by a program manager (<c>single</c>) or issued to one customer
/// (<c>personal</c>). Codes of a bulk generation job are not announced one by one. <see cref="PartnerId"/> is the partner the code
/// belongs to: its redemptions attribute to that partner.
/// </summary>
[MessageUrn("partnermesh:coupons:coupon-issued:v1")]
public sealed record CouponIssued : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid CodeId { get; init; }
    public required string Code { get; init; }
    public required Guid CampaignId { get; init; }
    public required Guid PromotionId { get; init; }
    public required string Source { get; init; }
    public Guid? PartnerId { get; init; }
    public int? MaxUses { get; init; }
    public string? CustomerKey { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
}
