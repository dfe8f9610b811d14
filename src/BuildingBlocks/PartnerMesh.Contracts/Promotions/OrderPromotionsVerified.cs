using MassTransit;

namespace PartnerMesh.Contracts.Promotions;

/// <summary>
/// A completed order was checked against its quote. <see cref="Outcome"/>: <c>honoured</c> (charged as quoted),
/// <c>requoted</c> (the quote had expired; a re-evaluation at order time agrees with what was charged) or
/// <c>mismatch</c> (see <see cref="QuoteMismatchDetected"/>). The promotion error rate is mismatches over verified orders.
/// <see cref="Promotions"/> are the quote's, whatever the outcome: what the storefront was told to charge;
/// <see cref="ExpectedPromotions"/> those due at order time.
/// </summary>
[MessageUrn("partnermesh:promotions:order-promotions-verified:v1")]
public sealed record OrderPromotionsVerified : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string OrderId { get; init; }
    public required Guid QuoteId { get; init; }
    public required string Outcome { get; init; }
    public required string Currency { get; init; }
    public required decimal DiscountTotal { get; init; }
    public required decimal GrandTotal { get; init; }
    /// <summary>The promotions the quote applied (what the storefront was told to charge), on every path and outcome.</summary>
    public required IReadOnlyList<RedeemedPromotion> Promotions { get; init; }
    public Guid? PartnerId { get; init; }

    /// <summary>
    /// The promotions due at order time, those the expected grand total is priced with: the quoted ones while the quote
    /// stands (honoured, or charged otherwise than quoted); else what checkout gives the order now (a cart changed, a quote
    /// expired or no longer live, a cap or coupon refused since) — for <c>requoted</c>, the promotions the order was charged.
    /// Added later: null in events published before it.
    /// </summary>
    public IReadOnlyList<RedeemedPromotion>? ExpectedPromotions { get; init; }
}

/// <summary>A promotion applied to a verified order, with the discount it gave and the code that unlocked it.</summary>
public sealed record RedeemedPromotion
{
    public required Guid PromotionId { get; init; }
    public required int Version { get; init; }
    public required decimal Amount { get; init; }
    public string? Code { get; init; }
}
