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
    PartnershipComparison? Comparison);

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
    bool SurveyFiguresSuppressed = false);

/// <summary>Net money of one currency (refunds and cancellations taken off); <see cref="RevenueShare"/>: of the merchant's revenue.</summary>
public sealed record ScorecardSales(
    string Currency,
    long Orders,
    decimal Revenue,
    decimal? AverageOrderValue,
    decimal Commission,
    decimal? RevenueShare,
    decimal? CommissionToRevenue,
    bool RevenueShareSuppressed = false);

/// <summary>
/// An active concentration-risk flag: the partner's share of the merchant's revenue in a currency over the trailing window
/// passed the threshold. Analytics gives a partner its own revenue only (<see cref="TotalRevenue"/> and
/// <see cref="RevenueShare"/> <c>null</c>, <see cref="FiguresSuppressed"/>): with them it could work out everyone else's.
/// </summary>
public sealed record ConcentrationFlag(string Currency, decimal PartnerRevenue, decimal? TotalRevenue, decimal? RevenueShare, bool FiguresSuppressed = false);

/// <summary>Merchant-wide figures in equal windows before and from the partnership's start; lift = after − before.</summary>
public sealed record PartnershipComparison(
    DateOnly PartnershipStart,
    int WindowDays,
    ScorecardFigures Before,
    ScorecardFigures After,
    decimal? ConversionLift,
    decimal? CartRecoveryLift);
