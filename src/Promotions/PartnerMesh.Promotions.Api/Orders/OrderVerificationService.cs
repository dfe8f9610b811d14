using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Promotions;
using PartnerMesh.Data;
using PartnerMesh.Outbox;
using PartnerMesh.Promotions.Api.Budgets;
using PartnerMesh.Promotions.Api.Definitions;
using PartnerMesh.Promotions.Api.EvaluationLog;
using PartnerMesh.Promotions.Api.Evaluations;
using PartnerMesh.Promotions.Api.Experiments;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.Promotions.Api.Infrastructure.Configurations;
using PartnerMesh.Promotions.Api.RuleSets;
using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Evaluation;

namespace PartnerMesh.Promotions.Api.Orders;

public enum VerificationStatus
{
    Verified,
    Replayed,
    Conflict,
    TamperedQuote,
}

public sealed record VerificationResult(VerificationStatus Status, OrderVerificationResponse? Response = null);

/// <summary>
/// Checks a completed order against its quote, once per order id. A valid, unexpired quote for the same cart, whose
/// promotions are still live and give the same at checkout, charged as quoted, is honoured and counts one use of every
/// cap its promotions claim: its reservation when it still holds one, else a use taken now. Anything else is an explicit
/// mismatch — recorded, published and counted — never silently charged. An expired or stale quote is re-evaluated at
/// order time. Whatever the outcome, an order charged a discount keeps its use counted (the discount was given, so a cap
/// must see it); only an order charged no discount gives its quote's reservation back. A quote's coupons codes are asked
/// about again before it is honoured: a code coupons now refuses for this order is a mismatch, one it cannot answer about
/// is honoured with a logged warning (coupons' redemption still holds its limit).
/// </summary>
public sealed class OrderVerificationService(
    PromotionsDbContext db, QuoteSigner signer, EvaluationService evaluations, BudgetLedger ledger, RuleSetProvider ruleSets,
    TimeProvider timeProvider, PromotionsMetrics metrics, EvaluationLogRecorder log, ILogger<OrderVerificationService> logger)
{
    private static readonly Touchpoint[] Touchpoints = [Touchpoint.Checkout, Touchpoint.Cart, Touchpoint.ProductPage];

    /// <summary>Expects a request that passed <see cref="VerifyOrderRules.Validate"/>.</summary>
    public async Task<VerificationResult> VerifyAsync(VerifyOrderRequest request, CancellationToken cancellationToken)
    {
        var orderId = request.OrderId!;
        var quote = request.Quote!;
        if (await FindAsync(orderId, cancellationToken) is { } existing)
        {
            return Replay(existing, request);
        }

        if (!signer.IsAuthentic(quote))
        {
            return new VerificationResult(VerificationStatus.TamperedQuote);
        }

        // Expired holds never count (the order's own, swept or not): give them back before this order is counted.
        await ledger.ReleaseExpiredNowAsync(cancellationToken);
        if (quote.CheckoutId is { } checkoutId)
        {
            // The order settles its checkout: a hold of the checkout's later evaluation is not for this quote, so it is
            // given back, and an earlier quote whose hold that evaluation replaced takes its own use below, as a quote
            // whose reservation is no longer held does — checked against the caps, never the released hold consumed.
            await ledger.ReleaseCheckoutAsync(checkoutId, except: quote.ReservationId, cancellationToken);
        }

        var now = timeProvider.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond)); // PostgreSQL keeps microseconds: replays read back equal
        var (cart, ordered) = EvaluateRequestRules.ToDomain(request.Order!, now);
        var context = ordered with { Touchpoint = Touchpoint.Checkout, At = now }; // an order is placed at checkout, now
        var ruleSet = ruleSets.Current;
        var quotedAt = QuotedTouchpoint(cart, context, quote.CartHash);
        var sameCart = quotedAt is not null;
        var charged = request.ChargedGrandTotal!.Value;
        var chargedDiscount = request.ChargedDiscountTotal!.Value;

        string outcome;
        string? mismatch = null;
        decimal expected;
        Guid? keep = null;
        Guid? giveBack = quote.ReservationId;
        var discountGiven = false;
        // The promotions due at order time, those the expected total is priced with: the quoted ones while the quote stands.
        var due = quote.Promotions;
        var stale = now > quote.ExpiresAt ? MismatchReasons.ExpiredQuoteDiffers
            : quotedAt is { } touchpoint ? StaleReason(ruleSet, quote, cart, context, touchpoint)
            : null;
        if (stale is null)
        {
            if (sameCart)
            {
                expected = quote.GrandTotal;
            }
            else
            {
                var atOrder = PromotionEvaluator.Evaluate(ruleSet, cart, context);
                (expected, due) = (atOrder.Totals.GrandTotal, Applied(atOrder));
            }

            (outcome, mismatch) = !sameCart ? (VerificationOutcomes.Mismatch, MismatchReasons.CartChanged)
                : charged != quote.GrandTotal || chargedDiscount != quote.DiscountTotal ? (VerificationOutcomes.Mismatch, MismatchReasons.ChargedDiffers)
                : (VerificationOutcomes.Honoured, null);

            // A discount the storefront charged was given away, as quoted or not: its budget use counts.
            discountGiven = outcome == VerificationOutcomes.Honoured || chargedDiscount > 0;
            if (outcome == VerificationOutcomes.Honoured && HasGiftsNotDue(ruleSet, quote, cart, context with { Touchpoint = quotedAt!.Value }))
            {
                (outcome, mismatch) = (VerificationOutcomes.Mismatch, MismatchReasons.GiftNotDue);
            }

            if (outcome == VerificationOutcomes.Honoured)
            {
                // A coupons code the quote applied may have gone to another shopper since (its last use reserved or redeemed
                // by them): coupons is asked again for this order, its own hold or redemption left out.
                var coupons = await evaluations.RecheckCouponsAsync(cart, context, quote.Promotions, CouponOwnUse.ForOrder(quote, orderId), cancellationToken);
                if (coupons.Expected is { } withoutCodes)
                {
                    (outcome, mismatch) = (VerificationOutcomes.Mismatch, MismatchReasons.CouponUnavailable);
                    (expected, due) = (withoutCodes.Totals.GrandTotal, Applied(withoutCodes));
                }
                else if (coupons.Unanswered.Count > 0)
                {
                    logger.LogWarning("Order {OrderId} honoured without coupons' word on its codes {CouponCodes}: the coupons service did not answer",
                        orderId, coupons.Unanswered);
                }
            }
        }
        else
        {
            // Expired, or no longer what checkout gives now: priced again as at checkout now, as an expired quote is.
            var (result, reservationId) = await evaluations.ReevaluateForOrderAsync(cart, context, CouponOwnUse.ForOrder(quote, orderId), cancellationToken);
            expected = result.Totals.GrandTotal;
            var agrees = sameCart && charged == expected && chargedDiscount == result.Totals.DiscountTotal;
            (outcome, mismatch) = !agrees ? (VerificationOutcomes.Mismatch, stale)
                : result.GiftsNotDue.Count > 0 ? (VerificationOutcomes.Mismatch, MismatchReasons.GiftNotDue)
                : (VerificationOutcomes.Requoted, null);
            due = Applied(result);
            if (agrees)
            {
                keep = reservationId;
            }
            else
            {
                if (reservationId is { } unused)
                {
                    await ledger.ReleaseAsync(unused, cancellationToken);
                }

                // Charged the quoted discount of a promotion stopped since (or not quite): it was given, so it counts —
                // else a paused promotion's reservation given back lets the next shopper take the same use past its cap.
                discountGiven = chargedDiscount > 0;
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (discountGiven)
        {
            if (quote.ReservationId is { } held && await ledger.ConsumeAsync(held, orderId, cancellationToken))
            {
                (keep, giveBack) = (held, null);
            }
            else
            {
                // A product-page or cart quote reserved nothing, and a checkout quote's reservation counts one order: one
                // consumed by another order on the same quote (or given back) leaves this order to take its own use now.
                var reserved = await evaluations.ReserveQuotedAsync(
                    stale is null ? ruleSet : await WithQuotedVersionsAsync(ruleSet, quote.Promotions, cancellationToken), quote.Promotions, context with { PartnerId = quote.PartnerId ?? context.PartnerId }, cart.Currency, now, cancellationToken);
                // A cap full by now refuses its promotion only (the others took their use): the quote for this cart no
                // longer holds, and what was due is the cart without the refused promotions.
                if (reserved.Refused.Count > 0 && stale is null && sameCart)
                {
                    (outcome, mismatch) = (VerificationOutcomes.Mismatch, reserved.Refused[0].Reason);
                    var withoutRefused = PromotionEvaluator.Evaluate(ruleSet, cart, context,
                        reserved.Refused.ToDictionary(refused => refused.PromotionId, refused => new Exclusion(refused.Reason)));
                    (expected, due) = (withoutRefused.Totals.GrandTotal, Applied(withoutRefused));
                }

                if (reserved.ReservationId is { } own)
                {
                    await ledger.ConsumeAsync(own, orderId, cancellationToken);
                    keep = own;
                }
            }
        }
        else if (keep is { } requoted)
        {
            await ledger.ConsumeAsync(requoted, orderId, cancellationToken);
        }

        if (giveBack is { } released)
        {
            await ledger.ReleaseAsync(released, cancellationToken, onlyWhenHeld: true);
        }

        var verification = new OrderVerification
        {
            OrderId = orderId,
            QuoteId = quote.Id,
            Outcome = outcome,
            MismatchReason = mismatch,
            Currency = cart.Currency,
            QuotedGrandTotal = quote.GrandTotal,
            ChargedGrandTotal = charged,
            ExpectedGrandTotal = expected,
            DiscountTotal = chargedDiscount,
            ReservationId = keep,
            VerifiedAt = now,
        };
        db.OrderVerifications.Add(verification);
        StageEvents(verification, quote.Promotions, due, quote.PartnerId ?? context.PartnerId, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            if (await RecordOwnExposuresAsync(ruleSet, cart, context with { PartnerId = quote.PartnerId ?? context.PartnerId },
                    quotedAt ?? Touchpoint.Checkout, sameCart ? quote.IssuedAt : now, cancellationToken))
            {
                await db.SaveChangesAsync(cancellationToken);
            }

            await ExperimentConversions.RecordAsync(db, context.StickyId, cart.Currency, charged, chargedDiscount, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            ledger.MarkCommitted();
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(OrderVerificationConfiguration.PrimaryKey))
        {
            // The same order, verified concurrently: the winner's answer stands and nothing of ours was written (a use
            // taken at order time rolled back with the rest; one reserved by a re-evaluation is given back).
            await transaction.RollbackAsync(cancellationToken);
            ledger.ForgetUncommitted();
            db.ChangeTracker.Clear();
            if (stale is not null && keep is { } ours)
            {
                await ledger.ReleaseAsync(ours, cancellationToken);
            }

            var winner = await FindAsync(orderId, cancellationToken)
                ?? throw new InvalidOperationException($"Order {orderId} violated uniqueness but cannot be read.");
            return Replay(winner, request);
        }

        metrics.OrderVerified(outcome);
        log.Verified(verification, request, due);
        return new VerificationResult(VerificationStatus.Verified, OrderVerificationResponse.From(verification));
    }

    /// <summary>Cancellation gives the order's budget use and spend back (a refund does not: the discount was given).</summary>
    public async Task<OrderVerificationResponse?> CancelAsync(string orderId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var verification = await db.OrderVerifications.FromSql($"SELECT * FROM order_verifications WHERE order_id = {orderId} FOR UPDATE")
            .SingleOrDefaultAsync(cancellationToken);
        if (verification is null)
        {
            return null;
        }

        if (!verification.Cancelled)
        {
            if (verification.ReservationId is { } reservationId)
            {
                await ledger.ReleaseAsync(reservationId, cancellationToken);
            }

            verification.Cancelled = true;
            verification.CancelledAt = timeProvider.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        ledger.MarkCommitted();
        return OrderVerificationResponse.From(verification);
    }

    public Task<OrderVerification?> FindAsync(string orderId, CancellationToken cancellationToken) =>
        db.OrderVerifications.AsNoTracking().SingleOrDefaultAsync(verification => verification.OrderId == orderId, cancellationToken);

    /// <summary>The promotions an evaluation applies, as a quote lists them.</summary>
    private static IReadOnlyList<QuotedPromotion> Applied(EvaluationResult result) =>
        [.. result.Applied.Select(applied => new QuotedPromotion(applied.PromotionId, applied.Version, applied.Amount, applied.Code))];

    /// <summary>One rule on every path: <c>Promotions</c> are the quoted ones (what the storefront was told to charge),
    /// <c>ExpectedPromotions</c> those due at order time (what the expected total is priced with).</summary>
    private void StageEvents(
        OrderVerification verification, IReadOnlyList<QuotedPromotion> quoted, IReadOnlyList<QuotedPromotion> due, Guid? partnerId, DateTimeOffset now)
    {
        db.AddIntegrationEvent(new OrderPromotionsVerified
        {
            EventId = Guid.CreateVersion7(now),
            OccurredAt = now,
            OrderId = verification.OrderId,
            QuoteId = verification.QuoteId,
            Outcome = verification.Outcome,
            Currency = verification.Currency,
            DiscountTotal = verification.DiscountTotal,
            GrandTotal = verification.ChargedGrandTotal,
            Promotions = Redeemed(quoted),
            ExpectedPromotions = Redeemed(due),
            PartnerId = partnerId,
        });
        if (verification.Outcome == VerificationOutcomes.Mismatch)
        {
            db.AddIntegrationEvent(new QuoteMismatchDetected
            {
                EventId = Guid.CreateVersion7(now),
                OccurredAt = now,
                OrderId = verification.OrderId,
                QuoteId = verification.QuoteId,
                Reason = verification.MismatchReason!,
                Currency = verification.Currency,
                QuotedGrandTotal = verification.QuotedGrandTotal,
                ChargedGrandTotal = verification.ChargedGrandTotal,
                ExpectedGrandTotal = verification.ExpectedGrandTotal,
                PartnerId = partnerId,
            });
        }
    }

    private static List<RedeemedPromotion> Redeemed(IReadOnlyList<QuotedPromotion> promotions) => [.. promotions.Select(promotion => new RedeemedPromotion
    {
        PromotionId = promotion.PromotionId, Version = promotion.Version, Amount = promotion.Amount, Code = promotion.Code,
    })];

    /// <summary>
    /// The experiment exposures the quoted evaluation made, written in this order's transaction (idempotent with the
    /// background writer: a visitor's first exposure counts once, whoever writes it). Evaluations queue exposures off the
    /// request path, so an order placed right after its checkout would otherwise find none and count for no variant.
    /// </summary>
    private async Task<bool> RecordOwnExposuresAsync(
        RuleSet ruleSet, Cart cart, EvaluationContext context, Touchpoint quotedAt, DateTimeOffset exposedAt, CancellationToken cancellationToken)
    {
        if (ruleSet.Experiments.Count == 0 || context.StickyId is not { } stickyId)
        {
            return false;
        }

        var exposures = PromotionEvaluator.Evaluate(ruleSet, cart, context with { Touchpoint = quotedAt }).Exposures;
        if (exposures.Count == 0)
        {
            return false;
        }

        await ExposureWriter.InsertAsync(db, [.. exposures.Select(exposure =>
            new PendingExposure(exposure.ExperimentId, stickyId, exposure.Variant, context.PartnerId, exposedAt, ExposureSubject.Experiment))], cancellationToken);
        return true;
    }

    /// <summary>Free-gift units at price 0 that the promotions do not give are not honoured, though the quote (priced with
    /// them at 0) agrees with the charge: the evaluation listed them in <c>giftsNotDue</c> for the storefront to remove. Only
    /// the free gifts the quote applied give units: one its caps refused (<c>budget_exhausted</c>, <c>usage_limit_reached</c>)
    /// gives none, as one whose condition is not met, so a capped gift is never handed out past its cap, uncounted.</summary>
    private static bool HasGiftsNotDue(RuleSet ruleSet, Quote quote, Cart cart, EvaluationContext context)
    {
        if (!cart.Lines.Any(line => line.UnitPrice == 0))
        {
            return false;
        }

        var notQuoted = ruleSet.Promotions
            .Where(promotion => promotion.Definition.Action is FreeGift && !quote.Promotions.Any(quoted => quoted.PromotionId == promotion.Id))
            .ToDictionary(promotion => promotion.Id, _ => new Exclusion(ReasonCodes.BudgetExhausted, "not applied by the quote"));
        return PromotionEvaluator.Evaluate(ruleSet, cart, context, notQuoted).GiftsNotDue.Count > 0;
    }

    /// <summary>The rule set with the quoted versions of promotions no longer live in it, so a discount charged for a
    /// promotion paused or ended since the quote can still take its use of that promotion's caps.</summary>
    private async Task<RuleSet> WithQuotedVersionsAsync(RuleSet ruleSet, IReadOnlyList<QuotedPromotion> quoted, CancellationToken cancellationToken)
    {
        var missing = quoted.Where(promotion => ruleSet.Find(promotion.PromotionId) is null).ToList();
        if (missing.Count == 0)
        {
            return ruleSet;
        }

        var ids = missing.Select(promotion => promotion.PromotionId).ToList();
        var versions = (await db.PromotionVersions.AsNoTracking().Where(version => ids.Contains(version.PromotionId)).ToListAsync(cancellationToken))
            .Where(version => missing.Any(promotion => promotion.PromotionId == version.PromotionId && promotion.Version == version.Version))
            .Select(version => new CompiledPromotion(version.PromotionId, version.Version, PromotionDefinitions.Read(version.Definition)));
        return new RuleSet(ruleSet.Version, ruleSet.Promotions.Concat(versions), ruleSet.Mode, ruleSet.KillSwitch, ruleSet.Experiments);
    }

    /// <summary>The touchpoint the quote priced this cart at (its cart hash covers it), or null when the cart changed.</summary>
    private static Touchpoint? QuotedTouchpoint(Cart cart, EvaluationContext context, string? cartHash)
    {
        foreach (var touchpoint in Touchpoints)
        {
            if (string.Equals(CartFingerprint.Of(cart, context with { Touchpoint = touchpoint }), cartHash, StringComparison.Ordinal))
            {
                return touchpoint;
            }
        }

        return null;
    }

    /// <summary>
    /// Why an unexpired quote for this very cart no longer holds, if it does not: a promotion it applied was paused, ended
    /// or switched off (or its schedule is over), or its rollout no longer includes this shopper (cut back, even to 0 %)
    /// — stopping a promotion must stop its discount, as expiry does — or it was priced at the product page or cart and
    /// checkout's offers differ for this cart (a touchpoint condition).
    /// </summary>
    private static string? StaleReason(RuleSet ruleSet, Quote quote, Cart cart, EvaluationContext context, Touchpoint quotedAt)
    {
        if (quote.Promotions.Any(quoted => ruleSet.KillSwitch || ruleSet.Find(quoted.PromotionId) is not { } live
                || live.Definition.Schedule?.Contains(context.At) == false || !live.IsInRollout(context)
                || ruleSet.ArmOf(quoted.PromotionId)?.Experiment.Stopped == true))
        {
            return MismatchReasons.PromotionNotLive;
        }

        if (quotedAt == Touchpoint.Checkout)
        {
            return null;
        }

        var there = PromotionEvaluator.Evaluate(ruleSet, cart, context with { Touchpoint = quotedAt });
        var atCheckout = PromotionEvaluator.Evaluate(ruleSet, cart, context);
        return there.Totals == atCheckout.Totals
            && there.Applied.Select(applied => (applied.PromotionId, applied.Amount)).SequenceEqual(atCheckout.Applied.Select(applied => (applied.PromotionId, applied.Amount)))
            ? null
            : MismatchReasons.TouchpointDiffers;
    }

    /// <summary>A resend of the same order (same quote, same charged amounts) gets the stored answer; the same order id
    /// with another quote or other amounts is a conflict, never a silent drop of what it says.</summary>
    private static VerificationResult Replay(OrderVerification existing, VerifyOrderRequest request) =>
        existing.QuoteId == request.Quote!.Id && existing.ChargedGrandTotal == request.ChargedGrandTotal && existing.DiscountTotal == request.ChargedDiscountTotal
            ? new VerificationResult(VerificationStatus.Replayed, OrderVerificationResponse.From(existing))
            : new VerificationResult(VerificationStatus.Conflict);
}
