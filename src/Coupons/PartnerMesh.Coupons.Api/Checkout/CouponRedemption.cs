namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>
/// An order's use of a code, once per order and code. Cancelled and fully refunded redemptions gave their use back;
/// a partial refund keeps it (the discount was given).
/// </summary>
public sealed class CouponRedemption
{
    public required Guid Id { get; init; }
    public required string OrderId { get; init; }
    public required Guid CodeId { get; init; }
    public required Guid CampaignId { get; init; }
    public required Guid PromotionId { get; init; }
    public required string Code { get; init; }
    public Guid? ReservationId { get; init; }
    public string? CustomerKey { get; init; }
    public Guid? PartnerId { get; init; }
    public Guid? TrafficPartnerId { get; init; }
    public required decimal OrderTotal { get; init; }
    public required string Currency { get; init; }
    public decimal RefundedAmount { get; set; }
    public required string Status { get; set; }
    public required DateTimeOffset RedeemedAt { get; init; }
    public DateTimeOffset? RestoredAt { get; set; }

    /// <summary>Why a partner code's redemption looks leaked (<see cref="LeakDetector"/>), or null.</summary>
    public string? LeakReason { get; init; }
    public string? Referrer { get; init; }
    public required string[] CounterKeys { get; init; }
}

public static class RedemptionStatuses
{
    public const string Redeemed = "redeemed";
    public const string Cancelled = "cancelled";
    public const string Refunded = "refunded";
}
