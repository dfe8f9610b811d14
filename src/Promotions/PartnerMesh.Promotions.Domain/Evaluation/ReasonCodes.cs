namespace PartnerMesh.Promotions.Domain.Evaluation;

/// <summary>Why a candidate promotion did not apply. Stable strings: storefronts and analytics key on them.</summary>
public static class ReasonCodes
{
    public const string ConditionNotMet = "condition_not_met";
    public const string OutsideSchedule = "outside_schedule";
    public const string BudgetExhausted = "budget_exhausted";
    public const string UsageLimitReached = "usage_limit_reached";
    public const string ExcludedByExclusivity = "excluded_by_exclusivity";
    public const string NotBestDeal = "not_best_deal";
    public const string NotLowestDiscount = "not_lowest_discount";
    public const string NotCombinable = "not_combinable";
    public const string CodeRequired = "code_required";
    public const string CodeInvalid = "code_invalid";
    public const string CodeUnknown = "code_unknown";
    public const string CouponServiceUnavailable = "coupon_service_unavailable";
    public const string NotForPartner = "not_for_partner";
    public const string NotInRollout = "not_in_rollout";
    public const string CurrencyNotSupported = "currency_not_supported";
    public const string NothingToDiscount = "nothing_to_discount";
    public const string KillSwitch = "kill_switch";
    public const string NotInVariant = "not_in_variant";
    public const string ExperimentHoldout = "experiment_holdout";
    public const string NotInExperiment = "not_in_experiment";
    public const string ExperimentStopped = "experiment_stopped";

    /// <summary>A coupons code left out: checkout could not redeem it with the codes kept (their campaigns are not all
    /// stackable), which give the shopper more.</summary>
    public const string OneCodePerOrder = "one_code_per_order";

    /// <summary>In <c>codes[]</c> only: the code's promotion applied, unlocked by another code entered with it.</summary>
    public const string AppliedWithAnotherCode = "applied_with_another_code";

    /// <summary>In <c>codes[]</c> only: the coupons service vouches for the code, but the promotion it unlocks is not live
    /// (a draft, paused, ended, or no such promotion).</summary>
    public const string PromotionNotLive = "promotion_not_live";
}
