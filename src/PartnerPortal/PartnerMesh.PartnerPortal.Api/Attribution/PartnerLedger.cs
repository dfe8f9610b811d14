namespace PartnerMesh.PartnerPortal.Api.Attribution;

/// <summary>The partner's ledger: one entry per currency (amounts in different currencies are never added up).</summary>
public sealed record PartnerLedger(Guid PartnerId, IReadOnlyList<LedgerTotals> Totals);

/// <summary>
/// One currency's buckets. Earned: every commission booked and not rejected; Pending, Held, Approved and Paid: by status,
/// net of the reversals and clawbacks in them; Reversed and ClawedBack: what refunds took back before and after payout
/// (positive amounts); Rejected: what review refused.
/// </summary>
public sealed record LedgerTotals(
    string Currency, decimal Earned, decimal Pending, decimal Held, decimal Approved, decimal Paid, decimal Reversed, decimal ClawedBack, decimal Rejected);

/// <summary>One ledger entry: a commission (sale, lead, click, milestone) or a reversal or clawback of one (negative).</summary>
/// <param name="HoldReasons">The fraud rules that held it for review (<c>self-referral</c>, <c>code-leak</c>, …).</param>
public sealed record PartnerCommission(
    Guid Id,
    string Kind,
    string? OrderId,
    decimal Amount,
    string Currency,
    string Status,
    DateTimeOffset HoldUntil,
    IReadOnlyList<string> HoldReasons,
    string? Note,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PaidAt)
{
    public Guid PartnerId { get; init; }

    /// <summary>The program whose plan booked it; null for a flat-rate partner.</summary>
    public Guid? ProgramId { get; init; }

    /// <summary>The plan version and rate it was booked under (null for a fixed amount or a reversal).</summary>
    public int? PlanVersion { get; init; }

    public decimal? Rate { get; init; }

    /// <summary>For a reversal or clawback: the commission it takes back.</summary>
    public Guid? OriginalCommissionId { get; init; }

    public Guid? PayoutBatchId { get; init; }

    public DateTimeOffset? ApprovedAt { get; init; }
}

/// <summary>What one payout batch paid the partner in one currency.</summary>
public sealed record PartnerPayout(Guid PayoutBatchId, DateTimeOffset CreatedAt, string Currency, decimal Amount, int EntryCount);
