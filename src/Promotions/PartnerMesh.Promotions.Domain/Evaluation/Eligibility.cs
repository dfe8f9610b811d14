using System.IO.Hashing;
using System.Text;

namespace PartnerMesh.Promotions.Domain.Evaluation;

/// <summary>Whether a candidate may apply at all, before any discount is computed; the first failing check is the reason.</summary>
internal static class Eligibility
{
    public static RejectedPromotion? Check(
        CompiledPromotion promotion, CartView cart, EvaluationContext context, string[] codes,
        IReadOnlyDictionary<Guid, string>? exclusions)
    {
        var definition = promotion.Definition;
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
            return PromotionEvaluator.Reject(promotion, ReasonCodes.CodeRequired, "none of its codes was entered");
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

        return exclusions is not null && exclusions.TryGetValue(promotion.Id, out var reason)
            ? PromotionEvaluator.Reject(promotion, reason, null)
            : null;
    }

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
