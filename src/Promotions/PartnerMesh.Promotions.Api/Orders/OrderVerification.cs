namespace PartnerMesh.Promotions.Api.Orders;

/// <summary>The one verification of an order against its quote (keyed by order id: a resent order gets the same answer).</summary>
public sealed class OrderVerification
{
    public required string OrderId { get; init; }
    public required Guid QuoteId { get; init; }
    public required string Outcome { get; init; }
    public string? MismatchReason { get; init; }
    public required string Currency { get; init; }
    public required decimal QuotedGrandTotal { get; init; }
    public required decimal ChargedGrandTotal { get; init; }
    public required decimal ExpectedGrandTotal { get; init; }
    public required decimal DiscountTotal { get; init; }
    public Guid? ReservationId { get; init; }
    public bool Cancelled { get; set; }
    public required DateTimeOffset VerifiedAt { get; init; }
    public DateTimeOffset? CancelledAt { get; set; }
}
