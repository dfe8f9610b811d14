using PartnerMesh.Attribution.Api.Programs;

namespace PartnerMesh.Attribution.Api.Conversions;

/// <summary>
/// A completed order reported by a storefront; one per order id, attributed to a partner or not. The credit may move once
/// afterwards, to the owner of a partner code the order used (<see cref="ConversionReattribution"/>).
/// </summary>
public sealed class Conversion
{
    public Guid Id { get; init; }

    public required string OrderId { get; init; }

    public Guid? ClickId { get; set; }

    /// <summary>The click the storefront reported (idempotency compares it); <see cref="ClickId"/> is the crediting click.</summary>
    public Guid? ReportedClickId { get; init; }

    public Guid? PartnerId { get; set; }

    public Guid? ProgramId { get; set; }

    public bool Attributed { get; set; }

    public required string Reason { get; set; }

    public decimal Amount { get; init; }

    public required string Currency { get; init; }

    /// <summary>The sale commission booked for the order, in <see cref="CommissionCurrency"/> (0 when none was booked).</summary>
    public decimal CommissionAmount { get; set; }

    /// <summary>
    /// The sale commission's currency: the order's for a percent plan, the program's for fixed amounts (an order in USD
    /// under an EUR program earns EUR); null when nothing was booked.
    /// </summary>
    public string? CommissionCurrency { get; set; }

    /// <summary>Why an attributed conversion earned nothing (agreement not accepted, partner not active, budget exhausted).</summary>
    public string? CommissionNote { get; set; }

    public string? CustomerId { get; init; }

    public string? CustomerEmail { get; init; }

    public string? VisitorId { get; init; }

    public string? CouponCode { get; init; }

    public List<OrderLine>? Lines { get; init; }

    public decimal RefundedAmount { get; set; }

    /// <summary>
    /// The scope of the customer credit whose order count includes this order (retention milestones count it); null when
    /// it is in none: no customer, not attributed when recorded, or taken out by a full refund or cancellation.
    /// </summary>
    public Guid? CreditScope { get; set; }

    /// <summary><c>completed</c>, <c>partially-refunded</c>, <c>refunded</c> or <c>cancelled</c>.</summary>
    public string Status { get; set; } = ConversionStatus.Completed;

    public DateTimeOffset OrderedAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

public static class ConversionStatus
{
    public const string Completed = "completed";
    public const string PartiallyRefunded = "partially-refunded";
    public const string Refunded = "refunded";
    public const string Cancelled = "cancelled";
}
