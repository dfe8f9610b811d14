namespace PartnerMesh.PartnerPortal.Api.Analytics;

/// <summary>
/// The portal's reading of analytics-api's partner scorecard (its own copy of the fields it shows; definitions in
/// docs/kpis.md). <see cref="Comparison"/> is null when analytics gives none.
/// </summary>
public sealed record Scorecard(
    Guid PartnerId,
    string? PartnerName,
    DateOnly From,
    DateOnly To,
    ScorecardFigures Kpis,
    IReadOnlyList<ConcentrationFlag> ConcentrationFlags,
    PartnershipComparison? Comparison)
{
    /// <summary>The partner's weekly survey cells of the range (k-anonymous), the source of the survey totals in <see cref="Kpis"/>.</summary>
    public PartnerSurveyWeeks? Surveys { get; init; }
}

/// <summary>
/// Counts and rates (0 to 1; null without a denominator). <see cref="NetPromoterScore"/> and <see cref="NpsResponses"/>
/// are null with <see cref="SurveyFiguresSuppressed"/> when too few shoppers answered to show them to a partner.
/// </summary>
public sealed record ScorecardFigures(
    long Sessions,
    long Clicks,
    long Orders,
    long Carts,
    long AbandonedCarts,
    long RecoveredCarts,
    long? NpsResponses,
    decimal? ConversionRate,
    decimal? CartAbandonmentRate,
    decimal? CartRecoveryRate,
    decimal? CouponRedemptionRate,
    decimal? RepeatPurchaseRate,
    decimal? NetPromoterScore,
    decimal? RefundRate,
    IReadOnlyList<ScorecardSales> Sales,
    bool SurveyFiguresSuppressed = false)
{
    public long ConvertedSessions { get; init; }

    public long PageViews { get; init; }

    public long ProductViews { get; init; }

    public long AddToCarts { get; init; }

    public long CheckoutsStarted { get; init; }

    public long CustomerOrders { get; init; }

    public long FirstOrders { get; init; }

    public long RepeatOrders { get; init; }

    public long CouponOrders { get; init; }

    public long VerifiedOrders { get; init; }

    public long PromotionOrders { get; init; }

    public long PromotionMismatches { get; init; }

    public long? SurveysShown { get; init; }

    public long? SurveyResponses { get; init; }

    public long AttributedOrders { get; init; }

    public long RefundedOrders { get; init; }

    public long Refunds { get; init; }

    public long CancelledOrders { get; init; }

    public decimal? PromotionRedemptionRate { get; init; }

    public decimal? PromotionErrorRate { get; init; }

    public decimal? SurveyResponseRate { get; init; }
}

/// <summary>Net money of one currency (refunds and cancellations taken off); <see cref="RevenueShare"/>: of the merchant's revenue.</summary>
public sealed record ScorecardSales(
    string Currency,
    long Orders,
    decimal Revenue,
    decimal? AverageOrderValue,
    decimal Commission,
    decimal? RevenueShare,
    decimal? CommissionToRevenue,
    bool RevenueShareSuppressed = false)
{
    /// <summary>The order totals as placed (before refunds and cancellations).</summary>
    public decimal GrossRevenue { get; init; }

    public decimal RefundedAmount { get; init; }

    /// <summary>Revenue through partners, and its share of <see cref="Revenue"/>.</summary>
    public decimal PartnerRevenue { get; init; }

    public decimal? PartnerRevenueContribution { get; init; }
}

/// <summary>
/// An active concentration-risk flag: the partner's share of the merchant's revenue in a currency over the trailing window
/// passed the threshold. Analytics gives a partner its own revenue only (<see cref="TotalRevenue"/> and
/// <see cref="RevenueShare"/> <c>null</c>, <see cref="FiguresSuppressed"/>): with them it could work out everyone else's.
/// </summary>
public sealed record ConcentrationFlag(string Currency, decimal PartnerRevenue, decimal? TotalRevenue, decimal? RevenueShare, bool FiguresSuppressed = false)
{
    public Guid PartnerId { get; init; }

    /// <summary>Whether the share passed the threshold (analytics lists a partner's flags only when it did).</summary>
    public bool Flagged { get; init; }
}

/// <summary>
/// The survey figures a partner may see for the range: fixed cells of whole weeks (Monday to Sunday), <see cref="From"/>
/// and <see cref="To"/> the range widened to whole weeks, <see cref="PublishedThrough"/> the last day published,
/// <see cref="MinimumResponses"/> k.
/// </summary>
public sealed record PartnerSurveyWeeks(
    DateOnly From, DateOnly To, DateOnly PublishedThrough, int MinimumResponses, IReadOnlyList<SurveyWeekCell> Cells, bool Live = false);

/// <summary>One week's survey figures; a measure answered by 1 to k − 1 shoppers is null with <see cref="Suppressed"/>.</summary>
public sealed record SurveyWeekCell(
    DateOnly Week,
    string DimensionValue,
    string? DimensionValue2,
    long SurveysShown,
    long? SurveyResponses,
    decimal? SurveyResponseRate,
    long? NpsResponses,
    decimal? NetPromoterScore,
    bool Suppressed,
    bool Final = true);

/// <summary>Merchant-wide figures in equal windows before and from the partnership's start; lift = after − before.</summary>
public sealed record PartnershipComparison(
    DateOnly PartnershipStart,
    int WindowDays,
    ScorecardFigures Before,
    ScorecardFigures After,
    decimal? ConversionLift,
    decimal? CartRecoveryLift);
