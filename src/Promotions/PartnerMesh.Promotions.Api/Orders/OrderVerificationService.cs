using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Promotions;
using PartnerMesh.Data;
using PartnerMesh.Outbox;
using PartnerMesh.Promotions.Api.Budgets;
using PartnerMesh.Promotions.Api.EvaluationLog;
using PartnerMesh.Promotions.Api.Evaluations;
using PartnerMesh.Promotions.Api.Experiments;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.Promotions.Api.Infrastructure.Configurations;
using PartnerMesh.Promotions.Api.RuleSets;
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
/// Checks a completed order against its quote, once per order id. A valid, unexpired quote for the same cart charged
/// as quoted is honoured and consumes its budget reservation; anything else is an explicit mismatch — recorded,
/// published and counted — never silently charged. An expired quote is re-evaluated at order time.
/// </summary>
public sealed class OrderVerificationService(
    PromotionsDbContext db, QuoteSigner signer, EvaluationService evaluations, BudgetLedger ledger, RuleSetProvider ruleSets,
    TimeProvider timeProvider, PromotionsMetrics metrics, EvaluationLogRecorder log)
{
    /// <summary>Expects a request that passed <see cref="VerifyOrderRules.Validate"/>.</summary>
    public async Task<VerificationResult> VerifyAsync(VerifyOrderRequest request, CancellationToken cancellationToken)
    {
        var orderId = request.OrderId!;
        var quote = request.Quote!;
        if (await FindAsync(orderId, cancellationToken) is { } existing)
        {
            return Replay(existing, quote.Id);
        }

        if (!signer.IsAuthentic(quote))
        {
            return new VerificationResult(VerificationStatus.TamperedQuote);
        }

        var now = timeProvider.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond)); // PostgreSQL keeps microseconds: replays read back equal
        var (cart, context) = EvaluateRequestRules.ToDomain(request.Order!, now);
        var sameCart = string.Equals(CartFingerprint.Of(cart, context), quote.CartHash, StringComparison.Ordinal);
        var charged = request.ChargedGrandTotal!.Value;
        var chargedDiscount = request.ChargedDiscountTotal!.Value;

        string outcome;
        string? mismatch = null;
        decimal expected;
        Guid? keep = null;
        Guid? giveBack = quote.ReservationId;
        IReadOnlyList<QuotedPromotion> promotions = quote.Promotions;
        if (now <= quote.ExpiresAt)
        {
            expected = sameCart ? quote.GrandTotal : PromotionEvaluator.Evaluate(ruleSets.Current, cart, context with { At = now }).Totals.GrandTotal;
            (outcome, mismatch) = !sameCart ? (VerificationOutcomes.Mismatch, MismatchReasons.CartChanged)
                : charged != quote.GrandTotal || chargedDiscount != quote.DiscountTotal ? (VerificationOutcomes.Mismatch, MismatchReasons.ChargedDiffers)
                : (VerificationOutcomes.Honoured, null);

            // A discount the storefront charged was given away, as quoted or not: its budget use counts.
            var discountGiven = outcome == VerificationOutcomes.Honoured || chargedDiscount > 0;
            if (discountGiven && quote.ReservationId is null)
            {
                // A product-page or cart quote reserved nothing: its capped promotions count now, when the order is placed.
                var reserved = await evaluations.ReserveQuotedAsync(
                    quote.Promotions, context with { PartnerId = context.PartnerId ?? quote.PartnerId }, now, cancellationToken);
                if (reserved.Refused is { } refused && outcome == VerificationOutcomes.Honoured)
                {
                    (outcome, mismatch) = (VerificationOutcomes.Mismatch, refused.Reason);
                    expected = PromotionEvaluator.Evaluate(ruleSets.Current, cart, context with { At = now },
                        new Dictionary<Guid, string> { [refused.PromotionId] = refused.Reason }).Totals.GrandTotal;
                }

                keep = reserved.ReservationId;
            }
            else if (discountGiven)
            {
                (keep, giveBack) = (quote.ReservationId, null);
            }
        }
        else
        {
            var (result, reservationId) = await evaluations.ReevaluateForOrderAsync(cart, context, cancellationToken);
            expected = result.Totals.GrandTotal;
            var agrees = sameCart && charged == expected && chargedDiscount == result.Totals.DiscountTotal;
            (outcome, mismatch) = agrees ? (VerificationOutcomes.Requoted, null) : (VerificationOutcomes.Mismatch, MismatchReasons.ExpiredQuoteDiffers);
            promotions = [.. result.Applied.Select(applied => new QuotedPromotion(applied.PromotionId, applied.Version, applied.Amount, applied.Code))];
            if (agrees)
            {
                keep = reservationId;
            }
            else if (reservationId is { } unused)
            {
                await ledger.ReleaseAsync(unused, cancellationToken);
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (keep is { } consumed)
        {
            await ledger.ConsumeAsync(consumed, orderId, cancellationToken);
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
        StageEvents(verification, promotions, context.PartnerId, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await ExperimentConversions.RecordAsync(db, context.StickyId, charged, chargedDiscount, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            ledger.MarkReleasesCommitted();
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(OrderVerificationConfiguration.PrimaryKey))
        {
            // The same order, verified concurrently: the winner's answer stands and nothing of ours was written.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            if (keep is { } ours && ours != quote.ReservationId)
            {
                await ledger.ReleaseAsync(ours, cancellationToken); // reserved for this attempt only: the winner counted the order
            }

            var winner = await FindAsync(orderId, cancellationToken)
                ?? throw new InvalidOperationException($"Order {orderId} violated uniqueness but cannot be read.");
            return Replay(winner, quote.Id);
        }

        metrics.OrderVerified(outcome);
        log.Verified(verification, request, promotions);
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
        ledger.MarkReleasesCommitted();
        return OrderVerificationResponse.From(verification);
    }

    public Task<OrderVerification?> FindAsync(string orderId, CancellationToken cancellationToken) =>
        db.OrderVerifications.AsNoTracking().SingleOrDefaultAsync(verification => verification.OrderId == orderId, cancellationToken);

    private void StageEvents(OrderVerification verification, IReadOnlyList<QuotedPromotion> promotions, Guid? partnerId, DateTimeOffset now)
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
            Promotions = [.. promotions.Select(promotion => new RedeemedPromotion
            {
                PromotionId = promotion.PromotionId, Version = promotion.Version, Amount = promotion.Amount, Code = promotion.Code,
            })],
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

    private static VerificationResult Replay(OrderVerification existing, Guid quoteId) =>
        existing.QuoteId == quoteId
            ? new VerificationResult(VerificationStatus.Replayed, OrderVerificationResponse.From(existing))
            : new VerificationResult(VerificationStatus.Conflict);
}
