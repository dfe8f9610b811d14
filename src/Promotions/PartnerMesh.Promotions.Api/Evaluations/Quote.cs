namespace PartnerMesh.Promotions.Api.Evaluations;

/// <summary>
/// The engine's promise for one cart: these promotions, these totals, until <see cref="ExpiresAt"/>. Signed (HMAC-SHA256)
/// so checkout can prove it was not altered; <see cref="CartHash"/> ties it to the exact cart and context it priced.
/// </summary>
public sealed record Quote
{
    public required Guid Id { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public required long RuleSetVersion { get; init; }
    public required string Currency { get; init; }
    public required string CartHash { get; init; }
    public required decimal DiscountTotal { get; init; }
    public required decimal GrandTotal { get; init; }
    public required IReadOnlyList<QuotedPromotion> Promotions { get; init; }

    /// <summary>The budget held for this quote (checkout only, when an applied promotion has a budget or usage cap).</summary>
    public Guid? ReservationId { get; init; }

    public Guid? PartnerId { get; init; }

    /// <summary>The checkout this quote priced (the request's <c>checkoutId</c>, at checkout only): its order settles the
    /// checkout, giving back the hold of the checkout's other evaluations.</summary>
    public string? CheckoutId { get; init; }

    public string Signature { get; init; } = "";
}

public sealed record QuotedPromotion(Guid PromotionId, int Version, decimal Amount, string? Code);
