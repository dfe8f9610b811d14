using MassTransit;

namespace PartnerMesh.Contracts.Promotions;

/// <summary>
/// An order was not charged as its quote said: the cart changed after the quote (<c>cart_changed</c>), the charged
/// amounts differ (<c>charged_differs</c>), or the quote had expired and a re-evaluation gives another total
/// (<c>expired_quote_differs</c>). Counted in the promotion error rate; never silently charged.
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
