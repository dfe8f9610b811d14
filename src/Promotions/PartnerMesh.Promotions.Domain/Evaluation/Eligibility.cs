using System.IO.Hashing;
using System.Text;
using PartnerMesh.Promotions.Domain.Definitions;

namespace PartnerMesh.Promotions.Domain.Evaluation;

/// <summary>Whether a candidate may apply at all, before any discount is computed; the first failing check is the reason.</summary>
internal static class Eligibility
{
    public static RejectedPromotion? Check(
        CompiledPromotion promotion, CartView cart, EvaluationContext context, string[] codes,
        IReadOnlyDictionary<Guid, Exclusion>? exclusions)
    {
        var definition = promotion.Definition;
        if (definition.Action is FreeGift gift)
        {
            cart = cart.Without(gift.ProductId, gift.Quantity);
        }

        if (definition.Schedule is { } schedule && !schedule.Contains(context.At))
        {
            var detail = schedule.StartsAt > context.At ? $"starts at {schedule.StartsAt:O}" : $"ended at {schedule.EndsAt:O}";
            return PromotionEvaluator.Reject(promotion, ReasonCodes.OutsideSchedule, detail);
        }

        if (definition.Currency is { } currency && !string.Equals(currency, cart.Currency, StringComparison.Ordinal))
        {
            return PromotionEvaluator.Reject(promotion, ReasonCodes.CurrencyNotSupported, $"priced in {currency}");
        }

        if (definition.RequiresCode && !codes.Any(promotion.Codes.Contains) && !context.CouponCodes.ContainsKey(promotion.Id))
        {
            return PromotionEvaluator.Reject(promotion, ReasonCodes.CodeRequired, "no code entered unlocks it (each entered code's entry in codes says why)");
        }

        foreach (var condition in promotion.Conditions)
        {
            if (condition is CompiledCondition.Partner && !condition.IsMet(cart, context))
            {
                return PromotionEvaluator.Reject(promotion, ReasonCodes.NotForPartner, condition.Explain(cart, context));
            }
        }

        if (!IsInRollout(promotion, context))
        {
            return PromotionEvaluator.Reject(promotion, ReasonCodes.NotInRollout, $"rolled out to {definition.RolloutPercent} %");
        }

        foreach (var condition in promotion.Conditions)
        {
            if (!condition.IsMet(cart, context))
            {
                return PromotionEvaluator.Reject(promotion, ReasonCodes.ConditionNotMet, condition.Explain(cart, context));
            }
        }

        // No tier reached is a threshold not met, as cartSubtotal's (both read the items subtotal before any discount).
        if (definition.Action is TieredOrderDiscount { Tiers.Count: > 0 } tiered
            && tiered.Tiers.Min(tier => tier.Threshold) is var lowest && cart.ItemsSubtotal < lowest)
        {
            return PromotionEvaluator.Reject(promotion, ReasonCodes.ConditionNotMet,
                $"tieredOrder: items subtotal {PromotionEvaluator.Format(cart.ItemsSubtotal)} is below the lowest tier's threshold {PromotionEvaluator.Format(lowest)}");
        }

        return exclusions is not null && exclusions.TryGetValue(promotion.Id, out var exclusion)
            ? PromotionEvaluator.Reject(promotion, exclusion.Reason, exclusion.Detail ?? ExclusionDetail(definition, exclusion.Reason, context))
            : null;
    }

    /// <summary>An exclusion without the caller's detail: a per-customer limit says what it counted, or why it could not.</summary>
    private static string? ExclusionDetail(PromotionDefinition definition, string reason, EvaluationContext context) =>
        reason != ReasonCodes.UsageLimitReached || definition.PerCustomerLimit is not { } limit ? null
        : context.Customer.Id is not { Length: > 0 } && string.IsNullOrWhiteSpace(context.Customer.Email)
            ? $"limited to {limit} use(s) per customer: send the customer's id or email to use it"
            : $"the customer's uses, open checkouts included, reached the limit of {limit} per customer";

    /// <summary>Sticky: the bucket is a hash of the promotion and the customer (else visitor) id, the same on every
    /// instance and at every touchpoint.</summary>
    public static bool IsInRollout(CompiledPromotion promotion, EvaluationContext context)
    {
        var percent = promotion.Definition.RolloutPercent;
        if (percent >= 100)
        {
            return true;
        }

        return context.StickyId is { } stickyId && percent > 0 && Bucket(promotion.Id, stickyId) < percent;
    }

    public static int Bucket(Guid promotionId, string stickyId)
    {
        var hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes($"{promotionId:N}:{stickyId}"));
        return (int)(hash % 100);
    }
}
