namespace PartnerMesh.Attribution.Api.Conversions;

/// <summary>A refund or cancellation of a recorded order, once per storefront refund id.</summary>
public sealed class Refund
{
    public Guid Id { get; init; }

    public required string RefundId { get; init; }

    public Guid ConversionId { get; init; }

    public required string OrderId { get; init; }

    public required string Kind { get; init; }

    public decimal Amount { get; init; }

    public required string Currency { get; init; }

    public bool IsFullRefund { get; init; }

    public decimal CommissionReversed { get; init; }

    public DateTimeOffset RefundedAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The partner a customer belongs to after its first attributed order (per program), and its order count.</summary>
public sealed class CustomerCredit
{
    /// <summary>The program id, or <see cref="Guid.Empty"/> for partners without a program.</summary>
    public Guid Scope { get; init; }

    public required string CustomerId { get; init; }

    public Guid PartnerId { get; init; }

    public DateTimeOffset FirstConversionAt { get; init; }

    public int OrderCount { get; set; }
}

/// <summary>
/// What coupons told us about an order and one partner's code: when the order redeemed it (null while only a leak flag
/// is known), and whether it looked leaked. One row per order and code partner; the order's code partner is the one whose
/// code it redeemed first (<see cref="CouponSignals.CodePartnersAsync"/>).
/// </summary>
public sealed class CouponSignal
{
    public required string OrderId { get; init; }

    public Guid CodePartnerId { get; init; }

    public string? Code { get; set; }

    /// <summary>When coupons redeemed the partner's (earliest) code on the order.</summary>
    public DateTimeOffset? RedeemedAt { get; set; }

    public string? LeakReason { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
