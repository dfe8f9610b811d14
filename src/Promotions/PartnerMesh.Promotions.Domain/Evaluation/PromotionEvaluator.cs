using System.Globalization;
using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Experiments;

namespace PartnerMesh.Promotions.Domain.Evaluation;

/// <summary>
/// The one evaluator behind product page, cart and checkout. Pure: the same rule set, cart, context and exclusions give
/// the same answer on every instance. Lines are worked in canonical order (<see cref="CanonicalLineOrder"/>: by the goods,
/// line id last) and codes as a sorted set, so neither the order of lines, nor their ids, nor the order codes were entered
/// in changes the result.
/// </summary>
public static class PromotionEvaluator
{
    /// <param name="exclusions">Promotions the caller found unavailable (budget exhausted, usage limit reached, coupon
    /// rejected), with the reason to report.</param>
    public static EvaluationResult Evaluate(
        RuleSet ruleSet, Cart cart, EvaluationContext context, IReadOnlyDictionary<Guid, Exclusion>? exclusions = null)
    {
        var view = new CartView(cart);
        // The codes a promotion's own list may match: not those the coupons service owns.
        var codes = context.Codes.Select(PromotionCodes.Normalize).Where(code => code.Length > 0 && !context.CouponsOwnedCodes.Contains(code))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var candidates = ruleSet.CandidatesFor(view, codes, context.CouponCodes.Keys);

        var rejected = new List<RejectedPromotion>();
        var eligible = new List<(CompiledPromotion Promotion, string? Code)>();
        var exposures = new List<ExperimentExposure>();
        foreach (var promotion in candidates)
        {
            if (ruleSet.KillSwitch)
            {
                rejected.Add(Reject(promotion, ReasonCodes.KillSwitch, "every promotion is switched off"));
            }
            else if (Eligibility.Check(promotion, view, context, codes, exclusions) is { } rejection)
            {
                rejected.Add(rejection);
            }
            else if (ExperimentGate(ruleSet, promotion, context, exposures) is { } gated)
            {
                rejected.Add(gated);
            }
            else
            {
                eligible.Add((promotion, MatchedCode(promotion, codes) ?? context.CouponCodes.GetValueOrDefault(promotion.Id)));
            }
        }

        var state = new PricingState(view);
        var applied = new List<AppliedPromotion>();
        var gifts = new List<GiftItem>();
        // Among the exclusive promotions that give anything, one applies alone: the first by priority (then id), or in
        // bestDeal / highestDiscount the one that gives the most, in lowestDiscount the one that gives the least (ties: the
        // first by priority). One that would discount nothing in this cart does not apply, so it blocks nothing.
        var exclusive = ChooseExclusive(eligible, state, ruleSet.Mode);
        if (exclusive.Promotion is not null)
        {
            foreach (var (promotion, _) in eligible.Where(entry => !ReferenceEquals(entry.Promotion, exclusive.Promotion)))
            {
                rejected.Add(Reject(promotion, ReasonCodes.ExcludedByExclusivity, $"exclusive promotion {exclusive.Promotion.Id} applies alone"));
            }

            ApplyOrReject(exclusive.Promotion, exclusive.Code, state, applied, rejected, gifts);
        }
        else if (ruleSet.Mode.IsBestDeal())
        {
            ApplyBestDeal(eligible, state, applied, rejected, gifts);
        }
        else if (ruleSet.Mode == StackingMode.LowestDiscount)
        {
            ApplyLowestPerClass(eligible, state, applied, rejected, gifts);
        }
        else
        {
            ApplyStacked(eligible, state, applied, rejected, gifts);
        }

        return Summarize(ruleSet, view, state, applied, rejected, gifts, context) with
        {
            Exposures = exposures,
            GiftsNotDue = GiftsNotDue(ruleSet, view, applied, rejected),
        };
    }

    /// <summary>Free-gift units at price 0 that no applied free gift gives (see <see cref="EvaluationResult.GiftsNotDue"/>).</summary>
    private static List<GiftItem> GiftsNotDue(RuleSet ruleSet, CartView view, List<AppliedPromotion> applied, List<RejectedPromotion> rejected)
    {
        var atZero = view.Lines.Where(line => line.UnitPrice == 0).GroupBy(line => line.ProductId, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Sum(line => (long)line.Quantity), StringComparer.Ordinal);
        if (atZero.Count == 0)
        {
            return [];
        }

        var notDue = new List<GiftItem>();
        foreach (var (productId, units) in atZero.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var givers = ruleSet.Promotions.Where(promotion => promotion.Definition.Action is FreeGift gift && gift.ProductId == productId).ToList();
            if (givers.Count == 0)
            {
                continue; // not a gift product of any live promotion: a price the storefront chose
            }

            var due = givers.Where(giver => applied.Any(entry => entry.PromotionId == giver.Id)).Sum(giver => (long)((FreeGift)giver.Definition.Action).Quantity);
            if (units > due)
            {
                // givers are in evaluation order, and OrderBy keeps that order among equals.
                notDue.Add(new GiftItem(givers.OrderBy(Concern).First().Id, productId, (int)(units - due)));
            }
        }

        return notDue;

        // The gift promotion these units are about: first one of the cart's currency that did not apply (its notApplied
        // entry says why: the gift is not due), then one that applied (the units are more than it gives), then one of the
        // cart's currency that was no candidate (its code was not entered), and only then one priced in another currency.
        int Concern(CompiledPromotion giver) =>
            giver.Definition.Currency is { } currency && !string.Equals(currency, view.Currency, StringComparison.Ordinal) ? 3
            : rejected.Exists(entry => entry.PromotionId == giver.Id) ? 0
            : applied.Exists(entry => entry.PromotionId == giver.Id) ? 1
            : 2;
    }

    /// <summary>
    /// A variant promotion that passed every other check: it applies to the visitors assigned its variant and is rejected
    /// for the others — which is when the visitor is exposed to the experiment (recorded once per experiment, whatever the
    /// variant). Outside a partner-scoped experiment's traffic, or without a stable id to assign, it does not apply.
    /// </summary>
    private static RejectedPromotion? ExperimentGate(RuleSet ruleSet, CompiledPromotion promotion, EvaluationContext context, List<ExperimentExposure> exposures)
    {
        if (ruleSet.ArmOf(promotion.Id) is not { } arm)
        {
            return null;
        }

        var (experiment, variant) = arm;
        if (experiment.Stopped)
        {
            return Reject(promotion, ReasonCodes.ExperimentStopped,
                $"experiment {experiment.Id} is stopped: its variants apply to no one until it restarts or a winner is promoted");
        }

        if (context.StickyId is not { } stickyId || (experiment.PartnerId is { } partner && context.PartnerId != partner))
        {
            return Reject(promotion, ReasonCodes.NotInExperiment,
                context.StickyId is null ? "no customer or visitor id to assign a variant" : $"experiment {experiment.Id} is for another partner's traffic");
        }

        var assigned = exposures.FirstOrDefault(exposure => exposure.ExperimentId == experiment.Id)?.Variant;
        if (assigned is null)
        {
            assigned = ExperimentAssignment.Assign(experiment, stickyId);
            exposures.Add(new ExperimentExposure(experiment.Id, assigned));
        }

        return assigned == variant ? null
            : assigned == ExperimentAssignment.Holdout ? Reject(promotion, ReasonCodes.ExperimentHoldout, $"in experiment {experiment.Id}'s holdout")
            : Reject(promotion, ReasonCodes.NotInVariant, $"assigned variant {assigned} of experiment {experiment.Id}");
    }

    private static void ApplyStacked(
        List<(CompiledPromotion Promotion, string? Code)> eligible, PricingState state,
        List<AppliedPromotion> applied, List<RejectedPromotion> rejected, List<GiftItem> gifts)
    {
        CompiledPromotion? stoppedBy = null;
        var appliedPromotions = new List<CompiledPromotion>();
        foreach (var (promotion, code) in eligible)
        {
            if (stoppedBy is not null)
            {
                rejected.Add(Reject(promotion, ReasonCodes.ExcludedByExclusivity, $"promotion {stoppedBy.Id} stops the promotions after it"));
                continue;
            }

            if (NotCombinable(promotion, appliedPromotions) is { } rejection)
            {
                rejected.Add(rejection);
                continue;
            }

            if (ApplyOrReject(promotion, code, state, applied, rejected, gifts))
            {
                appliedPromotions.Add(promotion);
                if (promotion.Definition.Exclusivity == Exclusivity.StopAfterThis)
                {
                    stoppedBy = promotion;
                }
            }
        }
    }

    /// <summary>
    /// The exclusive promotion that applies alone, or none: among those that give anything, the first by priority (then id),
    /// or — in the modes that choose by amount — the one that gives the most (bestDeal, highestDiscount) or the least
    /// (lowestDiscount), ties to the first by priority.
    /// </summary>
    private static (CompiledPromotion Promotion, string? Code) ChooseExclusive(
        List<(CompiledPromotion Promotion, string? Code)> eligible, PricingState state, StackingMode mode)
    {
        (CompiledPromotion Promotion, string? Code) chosen = default;
        var chosenAmount = 0m;
        foreach (var entry in eligible.Where(entry => entry.Promotion.Definition.Exclusivity == Exclusivity.Exclusive)
            .OrderBy(entry => entry.Promotion.Definition.Priority).ThenBy(entry => entry.Promotion.Id))
        {
            var trial = Trial(entry.Promotion, state);
            if (!trial.GivesSomething)
            {
                continue;
            }

            var better = chosen.Promotion is null
                || (mode.IsBestDeal() && trial.Amount > chosenAmount)
                || (mode == StackingMode.LowestDiscount && trial.Amount < chosenAmount);
            if (better)
            {
                (chosen, chosenAmount) = (entry, trial.Amount);
            }

            if (mode.StacksAll())
            {
                break; // by priority: the first that gives anything
            }
        }

        return chosen;
    }

    /// <summary>
    /// Best deal (highest discount): per stacking class (item, order, shipping) at most one promotion, the picks together
    /// giving the largest total discount. A class's pick is not judged alone: a promotion that gives the most in its class
    /// but does not combine with the later classes (<c>combinesWith</c>) or stops them (<c>stopAfterThis</c>) loses to a
    /// smaller one that lets them apply, and a class may keep none of its promotions when that gives more. Every choice
    /// of the earlier classes is tried (each item pick, or none, times each order pick, or none); shipping, which no item
    /// or order discount changes, is tried once per promotion. Ties go to the first by priority (then id), a promotion
    /// before none.
    /// </summary>
    private static void ApplyBestDeal(
        List<(CompiledPromotion Promotion, string? Code)> eligible, PricingState state,
        List<AppliedPromotion> applied, List<RejectedPromotion> rejected, List<GiftItem> gifts)
    {
        var classes = eligible.GroupBy(entry => entry.Promotion.StackingClass).OrderBy(group => group.Key)
            .Select(group => group.ToList()).ToList();
        var shippingTrials = new Dictionary<CompiledPromotion, (decimal Amount, bool GivesSomething)>(ReferenceEqualityComparer.Instance);
        var picks = BestPicks(classes, 0, state, [], shippingTrials).Picks;

        CompiledPromotion? stoppedBy = null;
        var appliedPromotions = new List<CompiledPromotion>();
        for (var index = 0; index < classes.Count; index++)
        {
            if (stoppedBy is not null)
            {
                rejected.AddRange(classes[index].Select(entry =>
                    Reject(entry.Promotion, ReasonCodes.ExcludedByExclusivity, $"promotion {stoppedBy.Id} stops the promotions after it")));
                continue;
            }

            var pick = picks[index];
            (CompiledPromotion Promotion, string? Code)? chosen = null;
            foreach (var entry in classes[index])
            {
                if (ReferenceEquals(entry.Promotion, pick))
                {
                    chosen = entry;
                }
                else if (NotCombinable(entry.Promotion, appliedPromotions) is { } rejection)
                {
                    rejected.Add(rejection);
                }
                else if (!Trial(entry.Promotion, state).GivesSomething)
                {
                    rejected.Add(Reject(entry.Promotion, ReasonCodes.NothingToDiscount, "its action discounts nothing in this cart"));
                }
                else
                {
                    rejected.Add(Reject(entry.Promotion, ReasonCodes.NotBestDeal, pick is null
                        ? $"the best deal applies no {entry.Promotion.StackingClass.ToString().ToLowerInvariant()} promotion: the other classes' promotions give more without one"
                        : $"promotion {pick.Id} gives more (the largest total discount, with what each combines with)"));
                }
            }

            if (chosen is { } choice && ApplyOrReject(choice.Promotion, choice.Code, state, applied, rejected, gifts))
            {
                appliedPromotions.Add(choice.Promotion);
                if (choice.Promotion.Definition.Exclusivity == Exclusivity.StopAfterThis)
                {
                    stoppedBy = choice.Promotion;
                }
            }
        }
    }

    /// <summary>The largest total discount classes[index..] can give after <paramref name="picked"/>, and the pick (or
    /// null) of each of those classes that gives it.</summary>
    private static (decimal Total, CompiledPromotion?[] Picks) BestPicks(
        List<List<(CompiledPromotion Promotion, string? Code)>> classes, int index, PricingState state,
        List<CompiledPromotion> picked, Dictionary<CompiledPromotion, (decimal Amount, bool GivesSomething)> shippingTrials)
    {
        if (index == classes.Count || picked.Exists(promotion => promotion.Definition.Exclusivity == Exclusivity.StopAfterThis))
        {
            return (0m, new CompiledPromotion?[classes.Count]);
        }

        var last = index == classes.Count - 1;
        (decimal Total, CompiledPromotion?[] Picks)? best = null;
        foreach (var (promotion, _) in classes[index])
        {
            if (NotCombinable(promotion, picked) is not null)
            {
                continue;
            }

            decimal total;
            CompiledPromotion?[] picks;
            if (last)
            {
                // Nothing after it: its own amount is all it adds (shipping's depends on nothing earlier classes do).
                var trial = promotion.StackingClass == StackingClass.Shipping
                    ? shippingTrials.TryGetValue(promotion, out var known) ? known : shippingTrials[promotion] = Trial(promotion, state)
                    : Trial(promotion, state);
                if (!trial.GivesSomething)
                {
                    continue;
                }

                (total, picks) = (trial.Amount, new CompiledPromotion?[classes.Count]);
            }
            else
            {
                var after = state.Clone();
                var outcome = DiscountActions.Apply(promotion, after);
                if (!outcome.GivesSomething)
                {
                    continue;
                }

                var rest = BestPicks(classes, index + 1, after, [.. picked, promotion], shippingTrials);
                (total, picks) = (outcome.Amount + rest.Total, rest.Picks);
            }

            if (best is null || total > best.Value.Total)
            {
                picks[index] = promotion;
                best = (total, picks);
            }
        }

        var none = BestPicks(classes, index + 1, state, picked, shippingTrials);
        return best is { } found && found.Total >= none.Total ? found : none;
    }

    /// <summary>
    /// Lowest discount: per stacking class (item, order, shipping), only the promotion that gives the least among those
    /// that give something, class by class (each class's pick judged on the cart the earlier picks left).
    /// </summary>
    private static void ApplyLowestPerClass(
        List<(CompiledPromotion Promotion, string? Code)> eligible, PricingState state,
        List<AppliedPromotion> applied, List<RejectedPromotion> rejected, List<GiftItem> gifts)
    {
        CompiledPromotion? stoppedBy = null;
        var appliedPromotions = new List<CompiledPromotion>();
        foreach (var group in eligible.GroupBy(entry => entry.Promotion.StackingClass).OrderBy(group => group.Key))
        {
            if (stoppedBy is not null)
            {
                rejected.AddRange(group.Select(entry =>
                    Reject(entry.Promotion, ReasonCodes.ExcludedByExclusivity, $"promotion {stoppedBy.Id} stops the promotions after it")));
                continue;
            }

            // Promotions that cannot be combined with what earlier classes applied are out before the choice.
            var combinable = new List<(CompiledPromotion Promotion, string? Code)>();
            foreach (var entry in group)
            {
                if (NotCombinable(entry.Promotion, appliedPromotions) is { } rejection)
                {
                    rejected.Add(rejection);
                }
                else
                {
                    combinable.Add(entry);
                }
            }

            if (combinable.Count == 0)
            {
                continue;
            }

            var chosen = combinable[0];
            var chosenTrial = Trial(chosen.Promotion, state);
            foreach (var entry in combinable.Skip(1))
            {
                var trial = Trial(entry.Promotion, state);
                var better = trial.GivesSomething && (!chosenTrial.GivesSomething || trial.Amount < chosenTrial.Amount);
                if (better)
                {
                    (chosen, chosenTrial) = (entry, trial);
                }
            }

            foreach (var entry in combinable.Where(entry => !ReferenceEquals(entry.Promotion, chosen.Promotion)))
            {
                rejected.Add(Reject(entry.Promotion, ReasonCodes.NotLowestDiscount, $"promotion {chosen.Promotion.Id} gives less (lowest-discount mode)"));
            }

            if (ApplyOrReject(chosen.Promotion, chosen.Code, state, applied, rejected, gifts))
            {
                appliedPromotions.Add(chosen.Promotion);
                if (chosen.Promotion.Definition.Exclusivity == Exclusivity.StopAfterThis)
                {
                    stoppedBy = chosen.Promotion;
                }
            }
        }
    }

    /// <summary>What a promotion would give on the cart as it stands, and whether it gives anything (a gift counts).</summary>
    private static (decimal Amount, bool GivesSomething) Trial(CompiledPromotion promotion, PricingState state)
    {
        var trial = DiscountActions.Apply(promotion, state.Clone());
        return (trial.Amount, trial.GivesSomething);
    }

    /// <summary>
    /// Two promotions combine only when each allows the other's stacking class (<see cref="PromotionDefinition.CombinesWith"/>):
    /// the first applied one that does not is named in the rejection.
    /// </summary>
    private static RejectedPromotion? NotCombinable(CompiledPromotion promotion, List<CompiledPromotion> appliedPromotions)
    {
        foreach (var other in appliedPromotions)
        {
            var allowsOther = promotion.Definition.CombinesWith?.Allows(other.StackingClass) ?? true;
            var otherAllows = other.Definition.CombinesWith?.Allows(promotion.StackingClass) ?? true;
            if (!allowsOther || !otherAllows)
            {
                return Reject(promotion, ReasonCodes.NotCombinable,
                    $"does not combine with {other.StackingClass.ToString().ToLowerInvariant()} promotion {other.Id}, already applied");
            }
        }

        return null;
    }

    private static bool ApplyOrReject(
        CompiledPromotion promotion, string? code, PricingState state,
        List<AppliedPromotion> applied, List<RejectedPromotion> rejected, List<GiftItem> gifts)
    {
        var outcome = DiscountActions.Apply(promotion, state);
        if (!outcome.GivesSomething)
        {
            rejected.Add(Reject(promotion, ReasonCodes.NothingToDiscount, "its action discounts nothing in this cart"));
            return false;
        }

        applied.Add(new AppliedPromotion(promotion.Id, promotion.Version, promotion.Name, promotion.StackingClass,
            outcome.Amount, code, outcome.Lines, outcome.LimitedBy, outcome.UncappedAmount));
        if (outcome.Gift is { } gift)
        {
            gifts.Add(gift);
        }

        return true;
    }

    private static EvaluationResult Summarize(
        RuleSet ruleSet, CartView view, PricingState state, List<AppliedPromotion> applied, List<RejectedPromotion> rejected,
        List<GiftItem> gifts, EvaluationContext context)
    {
        var canonicalIndex = new Dictionary<string, int>(view.Lines.Count, StringComparer.Ordinal);
        for (var index = 0; index < view.Lines.Count; index++)
        {
            canonicalIndex[view.Lines[index].Id] = index;
        }

        var lines = view.Cart.Lines.Select(line =>
        {
            var index = canonicalIndex[line.Id];
            var remaining = state.LineRemaining[index];
            return new LineResult(line.Id, line.ProductId, line.Quantity, line.UnitPrice, line.Subtotal,
                line.Subtotal - remaining, remaining, state.LineOrderAllocation[index]);
        }).ToArray();

        var itemsSubtotal = view.ItemsSubtotal;
        var itemDiscounts = lines.Sum(line => line.ItemDiscount);
        var orderDiscounts = lines.Sum(line => line.OrderDiscountAllocation);
        var shipping = view.Cart.Shipping;
        var shippingDiscount = shipping - state.ShippingRemaining;
        var discountTotal = itemDiscounts + orderDiscounts + shippingDiscount;
        var totals = new Totals(itemsSubtotal, itemDiscounts, orderDiscounts, shipping, shippingDiscount, discountTotal,
            itemsSubtotal + shipping - discountTotal);

        return new EvaluationResult
        {
            Currency = view.Currency,
            Lines = lines,
            Totals = totals,
            Applied = applied,
            NotApplied = [.. rejected.OrderBy(entry => entry.PromotionId)],
            Codes = CodeResults(ruleSet, context, applied, rejected),
            Gifts = gifts,
            RuleSetVersion = ruleSet.Version,
        };
    }

    /// <summary>
    /// Each entered code once, in entry order: applied, refused by the coupons service, known but not applied — with the
    /// promotions it unlocks and why the first of them (in evaluation order) did not apply — or unknown.
    /// </summary>
    private static CodeResult[] CodeResults(
        RuleSet ruleSet, EvaluationContext context, List<AppliedPromotion> applied, List<RejectedPromotion> rejected)
    {
        var results = new List<CodeResult>(context.Codes.Count);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entered in context.Codes)
        {
            var code = PromotionCodes.Normalize(entered);
            if (code.Length == 0 || !reported.Add(code))
            {
                continue;
            }

            // Its promotions in evaluation order; one the coupons service names that is not live goes last.
            var vouched = context.CouponCodes.Where(entry => entry.Value == code).Select(entry => entry.Key)
                .Concat(context.ValidCouponCodes.TryGetValue(code, out var named) ? [named] : []).Distinct().Order().ToArray();
            Guid[] unlocks = [.. (context.CouponsOwnedCodes.Contains(code) ? [] : ruleSet.PromotionsWithCode(code))
                .Concat(vouched.Select(ruleSet.Find).OfType<CompiledPromotion>()).Distinct().Order(CompiledPromotion.Order)
                .Select(promotion => promotion.Id).Concat(vouched).Distinct()];
            if (applied.FirstOrDefault(promotion => promotion.Code == code) is { } usedBy)
            {
                results.Add(new CodeResult(code, CodeStatuses.Applied, usedBy.PromotionId, PromotionIds: unlocks));
            }
            else if (context.RefusedCodes.TryGetValue(code, out var refusal))
            {
                results.Add(new CodeResult(code, CodeStatuses.Refused, null, refusal, context.RefusedCodeDetails.GetValueOrDefault(code), unlocks));
            }
            else if (unlocks.Length == 0)
            {
                results.Add(new CodeResult(code, CodeStatuses.Unknown, null, PromotionIds: unlocks));
            }
            else if (unlocks.Select(id => rejected.FirstOrDefault(entry => entry.PromotionId == id)).FirstOrDefault(entry => entry is not null) is { } why)
            {
                results.Add(new CodeResult(code, CodeStatuses.NotApplied, why.PromotionId, why.Reason, why.Detail, unlocks));
            }
            else
            {
                // Its promotion applied, unlocked by another code entered with it; or it is not live (only a promotion the
                // coupons service names can be: a live one is a candidate, so it applied or has its reason).
                var other = applied.FirstOrDefault(promotion => unlocks.Contains(promotion.PromotionId));
                results.Add(other is null
                    ? new CodeResult(code, CodeStatuses.NotApplied, unlocks[0], ReasonCodes.PromotionNotLive,
                        $"promotion {unlocks[0]}, which the coupons service names for this code, is not live (a draft, paused, ended, or no such promotion)",
                        unlocks)
                    : new CodeResult(code, CodeStatuses.NotApplied, other.PromotionId, ReasonCodes.AppliedWithAnotherCode,
                        $"promotion {other.PromotionId} applied with code {other.Code}", unlocks));
            }
        }

        return [.. results];
    }

    private static string? MatchedCode(CompiledPromotion promotion, string[] sortedCodes)
    {
        if (promotion.Codes.Count == 0)
        {
            return null;
        }

        foreach (var code in sortedCodes)
        {
            if (promotion.Codes.Contains(code))
            {
                return code;
            }
        }

        return null;
    }

    internal static RejectedPromotion Reject(CompiledPromotion promotion, string reason, string? detail) =>
        new(promotion.Id, promotion.Version, promotion.Name, reason, detail);

    internal static string Format(decimal amount) => amount.ToString("0.###", CultureInfo.InvariantCulture);
}
