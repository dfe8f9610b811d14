namespace PartnerMesh.Analytics.Api.Kpis;

/// <summary>
/// An order as the click-based partner daily report counts it: the partner, UTC day, money and commission of its
/// <c>ConversionAttributed</c> (partner and commission replaced by any later <c>ConversionReattributed</c>), and what
/// attribution's <c>RefundRecorded</c> took back, so that the day's sales are net (<see cref="KpiStore.Sales"/>). A refund that arrives before its conversion waits here (<see cref="Day"/> null) and
/// is netted when the conversion comes. One row per order id: a conversion told twice counts once.
/// </summary>
public sealed class AttributedOrder
{
    public required string OrderId { get; init; }

    /// <summary>
    /// The partner credited: by <c>ConversionAttributed</c>, or by the last <c>ConversionReattributed</c>
    /// (<see cref="ReattributedAt"/>); the daily rows the order is in.
    /// </summary>
    public Guid? PartnerId { get; set; }

    /// <summary>The click the order came from, while it is that click's partner's (a reattribution unlinks it).</summary>
    public Guid? ClickId { get; set; }

    /// <summary>The UTC day of the order; null until its <c>ConversionAttributed</c> arrived.</summary>
    public DateOnly? Day { get; set; }

    public string? Currency { get; set; }

    /// <summary>The order's total as attributed (gross).</summary>
    public decimal Amount { get; set; }

    /// <summary>The credited partner's sale commission, in <see cref="CommissionCurrency"/>.</summary>
    public decimal Commission { get; set; }

    /// <summary>
    /// The commission's currency: the order's, or the program's for a fixed commission on an order in another (EUR 5 on a
    /// JPY order); null on rows counted before it was kept (then the order's). The commission counts in the sales of its
    /// own currency, never added to money of another.
    /// </summary>
    public string? CommissionCurrency { get; set; }

    /// <summary>What refunds paid back, in the order's currency.</summary>
    public decimal RefundedAmount { get; set; }

    /// <summary>The commission the refunds reversed, in <see cref="CommissionCurrency"/>.</summary>
    public decimal CommissionReversed { get; set; }

    public bool Cancelled { get; set; }

    /// <summary>
    /// Attribution rejected the credited partner's sale in review (with its unpaid reversals): the order's commission
    /// counts 0. Kept apart from <see cref="Commission"/>, so a conversion or refund told after the rejection changes nothing.
    /// </summary>
    public bool CommissionRejected { get; set; }

    /// <summary>
    /// When attribution decided the reattribution applied last (its <c>OccurredAt</c>), if any: an older one arriving
    /// afterwards is stale, and a <c>ConversionAttributed</c> arriving afterwards (the old credit) changes nothing.
    /// </summary>
    public DateTimeOffset? ReattributedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
