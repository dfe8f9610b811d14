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

public sealed record AppliedPromotion(
    Guid PromotionId, int Version, string Name, StackingClass StackingClass, decimal Amount, string? Code,
    IReadOnlyList<LineDiscount> Lines);

public sealed record LineDiscount(string LineId, decimal Amount);

public sealed record RejectedPromotion(Guid PromotionId, int Version, string Name, string Reason, string? Detail);

/// <summary>An entered code: <see cref="CodeStatuses"/>; <see cref="Reason"/> says why the coupons service refused it.</summary>
public sealed record CodeResult(string Code, string Status, Guid? PromotionId, string? Reason = null);

public sealed record GiftItem(Guid PromotionId, string ProductId, int Quantity);

public static class CodeStatuses
{
    public const string Applied = "applied";
    public const string NotApplied = "not_applied";
    public const string Unknown = "unknown";

    /// <summary>The coupons service refused it (expired, exhausted, …) or could not be asked (<c>coupon_service_unavailable</c>).</summary>
    public const string Refused = "refused";
}
