using MassTransit;

namespace PartnerMesh.Contracts.Promotions;

/// <summary>
/// An order was not charged as its quote said: the cart changed after the quote (<c>cart_changed</c>), the charged
/// amounts differ (<c>charged_differs</c>), the quote had expired and a re-evaluation gives another total
/// (<c>expired_quote_differs</c>), a promotion it applied was paused or ended (<c>promotion_not_live</c>), checkout's
/// offers differ from the product page's or cart's it was priced at (<c>touchpoint_differs</c>), or a cap was full when
/// the order had to take its own use (<c>budget_exhausted</c>, <c>usage_limit_reached</c>), or the order holds gift units at
/// price 0 that no free gift gives (<c>gift_not_due</c>), or a coupons code it applied can no longer be used for this
/// order (<c>coupon_unavailable</c>). Counted in the promotion error rate; never silently charged. Consumers must accept reasons added later.
/// </summary>
[MessageUrn("partnermesh:promotions:quote-mismatch-detected:v1")]
public sealed record QuoteMismatchDetected : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string OrderId { get; init; }
    public required Guid QuoteId { get; init; }
    public required string Reason { get; init; }
    public required string Currency { get; init; }
    public required decimal QuotedGrandTotal { get; init; }
    public required decimal ChargedGrandTotal { get; init; }

    /// <summary>What the rules give for the order's cart at order time.</summary>
    public required decimal ExpectedGrandTotal { get; init; }

    public Guid? PartnerId { get; init; }
}
