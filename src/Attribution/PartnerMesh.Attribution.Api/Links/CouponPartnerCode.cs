namespace PartnerMesh.Attribution.Api.Links;

/// <summary>
/// A coupons code that belongs to a partner, learned from coupons' <c>CouponIssued</c>, kept by its text as a link code
/// would spell it (<see cref="LinkCode.Fold"/>: NFKC, trimmed, lower case). A referral link may not take such a text: one
/// code text has one owner, and an order that used it would otherwise credit the link's partner.
/// </summary>
public sealed class CouponPartnerCode
{
    public required string Code { get; init; }

    public Guid PartnerId { get; init; }

    public Guid CodeId { get; init; }

    public DateTimeOffset IssuedAt { get; init; }
}
