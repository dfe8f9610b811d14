namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>
/// One refund of an order, keyed by the caller's refund id (as attribution keys refunds): a retry with the same id gets
/// <see cref="Response"/> back and changes nothing; the same id with another order or amount is refused.
/// </summary>
public sealed class CouponRefund
{
    public required string RefundId { get; init; }
    public required string OrderId { get; init; }

    /// <summary>Null: a full refund.</summary>
    public decimal? Amount { get; init; }
    public required DateTimeOffset RefundedAt { get; init; }

    /// <summary>The answer given the first time (JSON of <see cref="OrderCouponsResponse"/>).</summary>
    public required string Response { get; init; }
}
