using Microsoft.Extensions.Options;
using PartnerMesh.Promotions.Api.Budgets;
using PartnerMesh.Promotions.Api.Definitions;
using PartnerMesh.Promotions.Api.EvaluationLog;
using PartnerMesh.Promotions.Api.Experiments;
using PartnerMesh.Promotions.Api.RuleSets;
using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Evaluation;

namespace PartnerMesh.Promotions.Api.Evaluations;

/// <summary>
/// Evaluates a cart with the in-memory rule set and makes the answer hold: at checkout, the budgets and usage caps of
/// every applied promotion are reserved for the quote's lifetime, and a promotion whose reservation is refused is
/// re-evaluated away with its reason; at the product page and cart, the same reservation is judged against the counters
/// as known here, so they give checkout's answer without reserving. An evaluation for another time (<c>at</c>) is a
/// preview: it reserves nothing and carries no quote, since nothing can be ordered at another time than now, and judges
/// the budgets of the periods that time falls in.
/// </summary>
public sealed class EvaluationService(
    RuleSetProvider ruleSets, BudgetLedger ledger, BudgetStatusCache budgetStatus, ReservationGate reservationGate, QuoteSigner signer,
    CouponCodeValidator coupons, ClickPartnerLookup clicks, ExposureRecorder exposures, EvaluationLogRecorder log,
    IOptions<PromotionsOptions> options, TimeProvider timeProvider, PromotionsMetrics metrics)
{
    private static readonly TimeSpan RuleSetWait = TimeSpan.FromSeconds(10);

    public async Task<EvaluationResponse> EvaluateAsync(EvaluateRequest request, CancellationToken cancellationToken)
    {
        var started = PromotionsMetrics.Timestamp();
        var ruleSet = await CurrentRuleSetAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        var (cart, requested) = EvaluateRequestRules.ToDomain(request, now);
        var preview = request.At is not null;
        var reserve = requested.Touchpoint == Touchpoint.Checkout && !preview;
        var checkoutId = reserve ? request.CheckoutId?.Trim() : null;
        // The checkout's own coupon hold (reserved with its checkoutId) never refuses its re-priced cart.
        var (context, partner, coupons) = await WithTrafficAsync(ruleSet, cart, requested, request.At, cancellationToken,
            checkoutId is null ? null : new CouponOwnUse(CheckoutId: checkoutId));
        var (result, reservationId, quoteId) = await EvaluateWithBudgetsAsync(ruleSet, cart, context, coupons, now, reserve, cancellationToken, checkoutId);
        if (checkoutId is not null && reservationId is null)
        {
            // Nothing capped applies now: the checkout's earlier hold is for a cart it no longer is.
            await ledger.ReleaseCheckoutAsync(checkoutId, except: null, cancellationToken);
        }

        var quote = preview ? null : IssueQuote(quoteId, result, cart, requested, context.PartnerId, now, reservationId, checkoutId);
        if (result.Exposures.Count > 0 && !preview)
        {
            exposures.Record(result.Exposures, context.StickyId, context.PartnerId, now);
        }

        metrics.Evaluated(context.Touchpoint, timeProvider.GetElapsedTime(started), result);
        log.Evaluated(request, result, quote, context.Touchpoint);
        return EvaluationResponse.From(result, partner, quote);
    }

    /// <summary>The draft's latest version beside everything live (replacing its own live version); nothing reserved, no quote.</summary>
    public async Task<EvaluationResponse> DryRunAsync(Promotion promotion, PromotionDefinition draft, EvaluateRequest request, CancellationToken cancellationToken)
    {
        var live = await CurrentRuleSetAsync(cancellationToken);
        var compiled = new CompiledPromotion(promotion.Id, promotion.LatestVersion, draft);
        var ruleSet = new RuleSet(live.Version, live.Promotions.Where(existing => existing.Id != promotion.Id).Append(compiled), live.Mode, killSwitch: false,
            live.Experiments);
        var (cart, requested) = EvaluateRequestRules.ToDomain(request, timeProvider.GetUtcNow());
        var (context, partner, coupons) = await WithTrafficAsync(ruleSet, cart, requested, request.At, cancellationToken);
        return EvaluationResponse.From(EvaluateRedeemable(ruleSet, cart, context, coupons, []), partner, null);
    }

    /// <summary>Re-evaluates an order's cart at order time (an expired quote), reserving at once like a checkout. Coupons is
    /// told the quote's checkout and the order (<paramref name="own"/>): the coupon the storefront reserved for it, or
    /// redeemed with the order, is the order's own use.</summary>
    public async Task<(EvaluationResult Result, Guid? ReservationId)> ReevaluateForOrderAsync(
        Cart cart, EvaluationContext context, CouponOwnUse own, CancellationToken cancellationToken)
    {
        var ruleSet = await CurrentRuleSetAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        (context, _, var coupons) = await WithTrafficAsync(ruleSet, cart, context, previewAt: null, cancellationToken, own);
        var (result, reservationId, _) = await EvaluateWithBudgetsAsync(
            ruleSet, cart, context with { At = now, Touchpoint = Touchpoint.Checkout }, coupons, now, reserve: true, cancellationToken);
        return (result, reservationId);
    }

    /// <summary>
    /// Asks coupons again, at order time, about the coupons codes an honoured quote applied (<paramref name="quoted"/>), for
    /// this order (<paramref name="own"/>: the shopper's own hold or redemption does not count): the code's last use may
    /// have gone to another shopper since the quote. Returns the applied codes coupons refuses now, with what checkout gives
    /// now without them; and whether coupons could not answer about an applied code (<c>coupon_service_unavailable</c>).
    /// </summary>
    public async Task<CouponRecheck> RecheckCouponsAsync(
        Cart cart, EvaluationContext context, IReadOnlyList<QuotedPromotion> quoted, CouponOwnUse own, CancellationToken cancellationToken)
    {
        var applied = quoted.Select(promotion => promotion.Code).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (applied.Count == 0 || !coupons.IsConfigured)
        {
            return CouponRecheck.Usable;
        }

        var ruleSet = await CurrentRuleSetAsync(cancellationToken);
        (context, _, var check) = await WithTrafficAsync(ruleSet, cart, context with { Codes = [.. applied] }, previewAt: null, cancellationToken, own);
        var refused = check.Refused.Where(refusal => applied.Contains(refusal.Key)).ToList();
        var unavailable = refused.Where(refusal => refusal.Value == CouponCodeValidator.CouponServiceUnavailable).Select(refusal => refusal.Key).ToList();
        var unusable = refused.Select(refusal => refusal.Key).Except(unavailable, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return unusable.Count == 0
            ? new CouponRecheck([], unavailable, null)
            : new CouponRecheck(unusable, unavailable, PromotionEvaluator.Evaluate(ruleSet, cart, context));
    }

    /// <summary>
    /// Reserves, at order time, the caps of the promotions an order was given as quoted when the quote's own reservation
    /// cannot count it — a product-page or cart quote reserved nothing, and a checkout quote's reservation counts one order
    /// only: they count when the order is placed, as a checkout's would. A cap that is full now refuses the promotion that
    /// claims it, and only that one: the others are reserved without it (their discounts were given too, so their caps
    /// must see them). The caller checked in <paramref name="ruleSet"/> that an honoured quote's promotions are live; for
    /// an order charged the discount of one stopped since, the caller adds its quoted version, so the use is counted all
    /// the same.
    /// </summary>
    public async Task<QuotedReservation> ReserveQuotedAsync(
        RuleSet ruleSet, IReadOnlyList<QuotedPromotion> quoted, EvaluationContext context, string currency, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var refused = new List<RefusedPromotion>();
        while (true)
        {
            var claims = new List<(BudgetClaim Claim, decimal Spend)>();
            foreach (var applied in quoted)
            {
                if (ruleSet.Find(applied.PromotionId) is not { } promotion || !HasCaps(ruleSet, promotion)
                    || refused.Any(refusal => refusal.PromotionId == promotion.Id))
                {
                    continue;
                }

                if (BudgetKeys.ClaimsFor(ruleSet, promotion, context, now) is not { } promotionClaims)
                {
                    refused.Add(new RefusedPromotion(promotion.Id, ReasonCodes.UsageLimitReached));
                    continue;
                }

                claims.AddRange(promotionClaims.Select(claim => (claim, applied.Amount)));
            }

            if (claims.Count == 0)
            {
                return new QuotedReservation(null, refused);
            }

            ReservationOutcome reservation;
            using (await reservationGate.EnterAsync(cancellationToken))
            {
                reservation = await ledger.ReserveAsync(
                    new ReservationRequest(Guid.CreateVersion7(now), now + options.Value.QuoteLifetime, claims, currency), cancellationToken);
            }

            metrics.ReservationAttempted(reservation.Succeeded);
            if (reservation.RefusedBy is not { } refusedBy)
            {
                return new QuotedReservation(reservation.ReservationId, refused);
            }

            refused.Add(new RefusedPromotion(refusedBy.PromotionId, refusedBy.RefusalReason));
        }
    }

    private static bool HasCaps(RuleSet ruleSet, CompiledPromotion promotion) =>
        ruleSet.BudgetsOf(promotion).Count > 0 || promotion.Definition.PerCustomerLimit is not null;

    /// <summary>
    /// Whose traffic the cart is, and which entered codes the coupons service vouches for. The traffic's partner is the one
    /// the request names, else the click's (looked up when anything live targets partners), and coupons is asked about the
    /// codes for that traffic. Then, as attribution's default coupon-code precedence credits the order, a valid partner
    /// code beats it: the cart is the code's partner's. Codes of two or more partners cancel out — the traffic's partner
    /// stands — so the order the codes were entered in never changes the answer. Also returns coupons' answer, for
    /// <see cref="EvaluateRedeemable"/>. A preview (<paramref name="previewAt"/>, the request's <c>at</c>) asks coupons
    /// about that time, so a campaign's validity window is judged when the promotions' schedules are.
    /// </summary>
    private async Task<(EvaluationContext Context, TrafficPartner? Partner, CouponCodeCheck Coupons)> WithTrafficAsync(
        RuleSet ruleSet, Cart cart, EvaluationContext context, DateTimeOffset? previewAt, CancellationToken cancellationToken, CouponOwnUse? own = null)
    {
        var partner = context.PartnerId is { } named ? new TrafficPartner(named, TrafficPartner.Request) : null;
        // Entered codes may go to coupons, whose campaigns can depend on the partner (partnerIds, maxUsesPerPartner) where
        // promotions cannot see it: then the click is resolved too (a cached lookup; an unknown click once per hour).
        if (partner is null && context.ClickId is { } clickId && (ruleSet.ConcernsPartners || context.Codes.Count > 0)
            && await clicks.PartnerOfAsync(clickId, cancellationToken) is { } clickPartner)
        {
            partner = new TrafficPartner(clickPartner, TrafficPartner.Click);
            context = context with { PartnerId = clickPartner };
        }

        var check = await coupons.CheckAsync(ruleSet, cart, context, previewAt, cancellationToken, own);
        if (ReferenceEquals(check, CouponCodeCheck.None))
        {
            return (context, partner, check);
        }

        if (check.SolePartner is { } code)
        {
            partner = new TrafficPartner(code.PartnerId, TrafficPartner.CouponCode, code.Code);
        }

        return (context with
        {
            CouponCodes = check.Unlocked, ValidCouponCodes = check.Valid ?? context.ValidCouponCodes, RefusedCodes = check.Refused, RefusedCodeDetails = check.RefusedDetails ?? context.RefusedCodeDetails,
            CouponsOwnedCodes = check.Claimed ?? context.CouponsOwnedCodes,
            PartnerId = partner?.PartnerId,
        }, partner, check);
    }

    /// <summary>
    /// Evaluates, and makes the coupon codes applied ones checkout can redeem on one order: coupons redeems two codes on
    /// one order only when both campaigns are stackable (<c>one_code_per_order</c>, docs/coupons.md). When the codes that
    /// applied cannot all be redeemed — rare, so only then — each largest combination checkout can redeem is evaluated
    /// (each one-code-per-order code alone, the stackable codes together) and the one that gives the shopper the largest
    /// discount is kept; at an equal discount, the one whose codes come first in ordinal order. Built from the codes as a
    /// set, the choice never depends on the order they were entered in. The promotions of the codes left out are
    /// excluded (<c>one_code_per_order</c>, added to <paramref name="exclusions"/>), so their codes are <c>not_applied</c>
    /// with that reason — unless an own code entered with them unlocks them too.
    /// </summary>
    private static EvaluationResult EvaluateRedeemable(
        RuleSet ruleSet, Cart cart, EvaluationContext context, CouponCodeCheck coupons, Dictionary<Guid, Exclusion> exclusions)
    {
        var result = PromotionEvaluator.Evaluate(ruleSet, cart, context, exclusions);
        var vouched = context.CouponCodes.Values.ToHashSet(StringComparer.Ordinal);
        var applied = result.Applied.Select(promotion => promotion.Code).OfType<string>().Where(vouched.Contains).Distinct(StringComparer.Ordinal).ToArray();
        if (coupons.RedeemableTogether(applied))
        {
            return result;
        }

        var entered = context.Codes.Select(PromotionCodes.Normalize).Where(code => !context.CouponsOwnedCodes.Contains(code)).ToHashSet(StringComparer.Ordinal);
        (EvaluationResult Result, Dictionary<Guid, Exclusion> Exclusions)? best = null;
        foreach (var kept in coupons.RedeemableCombinations())
        {
            var trialExclusions = new Dictionary<Guid, Exclusion>(exclusions);
            foreach (var (promotionId, code) in context.CouponCodes)
            {
                if (!kept.Contains(code, StringComparer.Ordinal) && ruleSet.Find(promotionId) is { } promotion && !promotion.Codes.Overlaps(entered))
                {
                    trialExclusions.TryAdd(promotionId, new Exclusion(ReasonCodes.OneCodePerOrder,
                        $"code {code} cannot be redeemed on one order with {string.Join(", ", kept)}: coupons combines codes only when all " +
                        "their campaigns are stackable, and the codes that give the most were kept (at an equal discount, the first in ordinal order)"));
                }
            }

            var trial = PromotionEvaluator.Evaluate(ruleSet, cart, context, trialExclusions);
            if (best is null || trial.Totals.DiscountTotal > best.Value.Result.Totals.DiscountTotal)
            {
                best = (trial, trialExclusions);
            }
        }

        foreach (var (promotionId, exclusion) in best!.Value.Exclusions)
        {
            exclusions[promotionId] = exclusion;
        }

        return best.Value.Result;
    }

    private async Task<RuleSet> CurrentRuleSetAsync(CancellationToken cancellationToken)
    {
        if (!ruleSets.IsLoaded)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(RuleSetWait);
            await ruleSets.WhenLoadedAsync(timeout.Token);
        }

        return ruleSets.Current;
    }

    /// <param name="reserve">Reserve (checkout); else judge the reservation by the counters as known here, reserving nothing.</param>
    /// <param name="checkoutId">The checkout whose earlier hold the reservation replaces (a cap full only of that hold does
    /// not refuse it).</param>
    /// <remarks>Budgets count in the periods of the evaluation's time (<c>at</c>), so a preview of another day judges that
    /// day's counters. A reservation counts in the periods of <paramref name="now"/>, when the order is taken: only an
    /// evaluation for now reserves, and an order re-evaluated is evaluated at its own time.</remarks>
    private async Task<(EvaluationResult Result, Guid? ReservationId, Guid QuoteId)> EvaluateWithBudgetsAsync(
        RuleSet ruleSet, Cart cart, EvaluationContext context, CouponCodeCheck coupons, DateTimeOffset now, bool reserve, CancellationToken cancellationToken,
        string? checkoutId = null)
    {
        var quoteId = Guid.CreateVersion7(now);
        var exclusions = new Dictionary<Guid, Exclusion>();

        // Expired holds never count: the sweeper's delay must not refuse this reservation (the retry of a checkout whose
        // quote just expired, an order re-evaluated against its own expired hold). Off the hot path: they are given back
        // only once a cap refuses, and the cap is then asked again.
        var swept = false;
        async Task<bool> SweptAnyAsync()
        {
            if (swept)
            {
                return false;
            }

            swept = true;
            return await ledger.ReleaseExpiredNowAsync(cancellationToken);
        }

        IReadOnlySet<string>? checkoutHeld = null;
        async Task<bool> MayBeFreeAsync(BudgetClaim full)
        {
            if (await SweptAnyAsync() && !budgetStatus.IsUseCapFull(full))
            {
                return true;
            }

            // Full perhaps of this checkout's own earlier hold, which this reservation replaces: PostgreSQL decides.
            checkoutHeld ??= checkoutId is null ? new HashSet<string>() : await ledger.HeldKeysAsync(checkoutId, cancellationToken);
            return checkoutHeld.Contains(full.Key);
        }

        while (true)
        {
            var result = EvaluateRedeemable(ruleSet, cart, context, coupons, exclusions);
            var claims = new List<(BudgetClaim Claim, decimal Spend)>();
            var excludedMore = false;
            foreach (var applied in result.Applied)
            {
                var promotion = ruleSet.Find(applied.PromotionId)!;
                if (!HasCaps(ruleSet, promotion))
                {
                    continue;
                }

                var promotionClaims = BudgetKeys.ClaimsFor(ruleSet, promotion, context, reserve ? now : context.At);
                if (promotionClaims is null)
                {
                    exclusions[promotion.Id] = new Exclusion(ReasonCodes.UsageLimitReached);
                    excludedMore = true;
                    continue;
                }

                // A use cap known to be full is refused at every touchpoint without asking PostgreSQL (a release clears
                // the mark), which spares a burst of checkouts the wait on a row that will say no.
                if (promotionClaims.FirstOrDefault(budgetStatus.IsUseCapFull) is { } full && !(reserve && await MayBeFreeAsync(full)))
                {
                    exclusions[promotion.Id] = new Exclusion(full.RefusalReason, BudgetRefusals.Describe(full, budgetStatus.Known(full.Key), applied.Amount));
                    excludedMore = true;
                    continue;
                }

                // Every counter adds the discount to its spend (the spend of a campaign is that of all its promotions).
                claims.AddRange(promotionClaims.Select(claim => (claim, applied.Amount)));
            }

            if (excludedMore)
            {
                continue;
            }

            if (claims.Count == 0)
            {
                return (result, null, quoteId);
            }

            if (!reserve)
            {
                // The reservation checkout would make, judged here: the same counters, order and test, so the product page
                // and cart promise what checkout gives — a spend cap refuses a discount larger than what is left of it.
                if (budgetStatus.WouldRefuse(BudgetKeys.PerCounter(claims, cart.Currency)) is not { } refused)
                {
                    return (result, null, quoteId);
                }

                exclusions[refused.Claim.PromotionId] = new Exclusion(refused.Claim.RefusalReason, refused.Detail);
                continue;
            }

            ReservationOutcome reservation;
            using (await reservationGate.EnterAsync(cancellationToken))
            {
                reservation = await ledger.ReserveAsync(
                    new ReservationRequest(quoteId, now + options.Value.QuoteLifetime, claims, cart.Currency, checkoutId), cancellationToken);
            }

            metrics.ReservationAttempted(reservation.Succeeded);
            if (reservation.Succeeded)
            {
                return (result, reservation.ReservationId, quoteId);
            }

            if (await SweptAnyAsync())
            {
                continue; // refused perhaps by expired holds, given back now: ask again
            }

            exclusions[reservation.RefusedBy!.PromotionId] = new Exclusion(reservation.RefusedBy.RefusalReason, reservation.RefusalDetail);
        }
    }

    /// <summary>The cart hash covers what the storefront sent (<paramref name="requested"/>), which is what its order will
    /// report; the partner is the one the evaluation credited, a partner code's included.</summary>
    private Quote IssueQuote(
        Guid quoteId, EvaluationResult result, Cart cart, EvaluationContext requested, Guid? partnerId, DateTimeOffset now, Guid? reservationId,
        string? checkoutId)
    {
        var issuedAt = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        return signer.Sign(new Quote
        {
            Id = quoteId,
            IssuedAt = issuedAt,
            ExpiresAt = issuedAt + options.Value.QuoteLifetime,
            RuleSetVersion = result.RuleSetVersion,
            Currency = result.Currency,
            CartHash = CartFingerprint.Of(cart, requested),
            DiscountTotal = result.Totals.DiscountTotal,
            GrandTotal = result.Totals.GrandTotal,
            Promotions = [.. result.Applied.Select(applied => new QuotedPromotion(applied.PromotionId, applied.Version, applied.Amount, applied.Code))],
            ReservationId = reservationId,
            PartnerId = partnerId,
            CheckoutId = checkoutId,
        });
    }
}

/// <summary>What coupons says at order time about the coupons codes a quote applied: those it refuses now (by reason other
/// than having no answer), with what checkout gives without them (its totals and promotions), and those it could not answer about.</summary>
public sealed record CouponRecheck(IReadOnlyList<string> Unusable, IReadOnlyList<string> Unanswered, EvaluationResult? Expected)
{
    public static readonly CouponRecheck Usable = new([], [], null);
}

/// <summary>A reservation made at order time for the quoted promotions that fit, and those whose caps refused them.</summary>
public sealed record QuotedReservation(Guid? ReservationId, IReadOnlyList<RefusedPromotion> Refused);

public sealed record RefusedPromotion(Guid PromotionId, string Reason);
