namespace PartnerMesh.Attribution.Api.Conversions;

/// <summary>
/// One ledger entry of a partner: a sale, lead, click or milestone commission (positive), or a reversal / clawback
/// (negative). Entries are never rewritten in amount: refunds add negative entries.
/// </summary>
public sealed class Commission
{
    public Guid Id { get; init; }

    /// <summary>Idempotency of booking: <c>sale:{conversion}</c>, <c>milestone:…</c>, <c>refund:{refund}:{entry}</c>…</summary>
    public required string EntryKey { get; init; }

    public Guid? ConversionId { get; init; }

    public Guid PartnerId { get; init; }

    public Guid? ProgramId { get; init; }

    public string? OrderId { get; init; }

    public required string Kind { get; init; }

    public decimal Amount { get; init; }

    public required string Currency { get; init; }

    /// <summary>The rate used (percent plans); a later plan change does not rewrite history.</summary>
    public decimal? Rate { get; init; }

    public int? PlanVersion { get; init; }

    public required string Status { get; set; }

    public DateTimeOffset HoldUntil { get; set; }

    /// <summary>Fraud rules that fired, comma-separated, while held.</summary>
    public string? HoldReasons { get; set; }

    public string? Note { get; init; }

    public Guid? OriginalCommissionId { get; init; }

    public string? RefundId { get; init; }

    public Guid? PayoutBatchId { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ApprovedAt { get; set; }

    public DateTimeOffset? PaidAt { get; set; }

    /// <summary>
    /// A negative entry taking <paramref name="amount"/> back from this one: before payout a <c>reversal</c> in this
    /// entry's state (it nets out in the same bucket and follows it through review), after payout a <c>clawback</c>,
    /// approved at once and deducted from the next payout.
    /// </summary>
    public Commission ReversedBy(decimal amount, string entryKey, DateTimeOffset now, string? refundId = null, string? note = null)
    {
        var paid = Status == CommissionStatus.Paid;
        return new Commission
        {
            Id = Guid.CreateVersion7(now),
            EntryKey = entryKey,
            ConversionId = ConversionId,
            PartnerId = PartnerId,
            ProgramId = ProgramId,
            OrderId = OrderId,
            Kind = paid ? CommissionKind.Clawback : CommissionKind.Reversal,
            Amount = -amount,
            Currency = Currency,
            PlanVersion = PlanVersion,
            Status = paid ? CommissionStatus.Approved : Status,
            HoldUntil = paid ? now : HoldUntil,
            HoldReasons = paid ? null : HoldReasons,
            ApprovedAt = paid ? now : ApprovedAt,
            OriginalCommissionId = Id,
            RefundId = refundId,
            Note = note,
            CreatedAt = now,
        };
    }
}

public static class CommissionStatus
{
    public const string Pending = "pending";
    public const string Held = "held";
    public const string Approved = "approved";
    public const string Paid = "paid";
    public const string Rejected = "rejected";

    public static readonly IReadOnlyList<string> All = [Pending, Held, Approved, Paid, Rejected];
}

public static class CommissionKind
{
    public const string Sale = "sale";
    public const string Lead = "lead";
    public const string Click = "click";
    public const string Milestone = "milestone";
    public const string Reversal = "reversal";
    public const string Clawback = "clawback";
}
