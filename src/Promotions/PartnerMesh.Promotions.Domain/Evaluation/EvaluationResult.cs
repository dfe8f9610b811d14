using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Experiments;

namespace PartnerMesh.Promotions.Domain.Evaluation;

public sealed record EvaluationResult
{
    public required string Currency { get; init; }
    public required IReadOnlyList<LineResult> Lines { get; init; }
    public required Totals Totals { get; init; }
    public required IReadOnlyList<AppliedPromotion> Applied { get; init; }
    public required IReadOnlyList<RejectedPromotion> NotApplied { get; init; }
    public required IReadOnlyList<CodeResult> Codes { get; init; }
    public required IReadOnlyList<GiftItem> Gifts { get; init; }
    public required long RuleSetVersion { get; init; }

    /// <summary>
    /// Units of a free-gift product in the cart at unit price 0 beyond what the applied free-gift promotions give (a gift
    /// line left over after the condition stopped being met, or more units than the gift's quantity), by product, with the
    /// free-gift promotion that gives that product (the one that concerns this cart: first one of the cart's currency that
    /// did not apply, then one that applied, then one whose code was not entered, then one in another currency; evaluation
    /// order among equals): the storefront removes them or charges them at their price.
    /// </summary>
    public IReadOnlyList<GiftItem> GiftsNotDue { get; init; } = [];

    /// <summary>The experiments this evaluation exposed the visitor to, with the variant (or holdout) they were shown.</summary>
    public IReadOnlyList<ExperimentExposure> Exposures { get; init; } = [];
}

/// <summary>A line: <see cref="Total"/> = <see cref="Subtotal"/> − <see cref="ItemDiscount"/>; its share of the
/// order-class discounts is <see cref="OrderDiscountAllocation"/> (for refunds and commissions).</summary>
public sealed record LineResult(
    string Id, string ProductId, int Quantity, decimal UnitPrice, decimal Subtotal, decimal ItemDiscount, decimal Total,
    decimal OrderDiscountAllocation);

public sealed record Totals(
    decimal ItemsSubtotal, decimal ItemDiscounts, decimal OrderDiscounts, decimal Shipping, decimal ShippingDiscount,
    decimal DiscountTotal, decimal GrandTotal);

/// <param name="LimitedBy">The promotion's own limit that cut its discount in this cart (<see cref="DiscountLimits"/>):
/// a limit is never hit silently. Null when none did.</param>
/// <param name="UncappedAmount">With <see cref="LimitedBy"/>: what the promotion would have given without the limit.</param>
public sealed record AppliedPromotion(
    Guid PromotionId, int Version, string Name, StackingClass StackingClass, decimal Amount, string? Code,
    IReadOnlyList<LineDiscount> Lines, string? LimitedBy = null, decimal? UncappedAmount = null);

/// <summary>The limits a promotion's action sets on its own discount. Stable strings, as reason codes.</summary>
public static class DiscountLimits
{
    /// <summary>A buy-X-get-Y the cart could have applied more times than its <c>maxApplications</c>.</summary>
    public const string MaxApplications = "maxApplications";

    /// <summary>A percent off capped at an amount ("10 % up to 50").</summary>
    public const string MaxDiscount = "maxDiscount";
}

public sealed record LineDiscount(string LineId, decimal Amount);

public sealed record RejectedPromotion(Guid PromotionId, int Version, string Name, string Reason, string? Detail);

/// <summary>
/// An entered code: <see cref="CodeStatuses"/>. <see cref="PromotionIds"/> are the promotions it unlocks. Applied:
/// <see cref="PromotionId"/> is the one it applied. Not applied: <see cref="PromotionId"/>, <see cref="Reason"/> and
/// <see cref="Detail"/> say why (that promotion's reason code, the first in evaluation order). Refused: the coupons
/// service's reason and, when it gave one, its detail.
/// </summary>
public sealed record CodeResult(
    string Code, string Status, Guid? PromotionId, string? Reason = null, string? Detail = null, IReadOnlyList<Guid>? PromotionIds = null);

public sealed record GiftItem(Guid PromotionId, string ProductId, int Quantity);

public static class CodeStatuses
{
    public const string Applied = "applied";
    public const string NotApplied = "not_applied";
    public const string Unknown = "unknown";

    /// <summary>The coupons service refused it (expired, exhausted, …) or could not be asked (<c>coupon_service_unavailable</c>).</summary>
    public const string Refused = "refused";
}
