using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Infrastructure.Configurations;
using PartnerMesh.Attribution.Api.Programs;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Data;
using PartnerMesh.Outbox;

namespace PartnerMesh.Attribution.Api.Conversions;

public enum RefundOutcome
{
    Created,
    Replayed,
    Conflict,
    UnknownOrder,
    CurrencyMismatch,
    ExceedsOrder,

    /// <summary>A cancellation that names less than what is left of the order: it takes back all of it or nothing.</summary>
    CancellationNotWhole,
    AlreadyFullyRefunded,

    /// <summary>Dated before the order it takes back: a 400 naming <c>refundedAt</c>.</summary>
    BeforeOrder,
}

public sealed record RefundResult(RefundOutcome Outcome, RefundResponse? Response = null, string? Detail = null);

/// <summary>
/// Records refunds and cancellations once per refund id and takes commission back explicitly: a negative entry per
/// commission of the order — a reversal when the commission is not paid yet (it nets out in the same state), a clawback
/// (approved, deducted from the next payout) when it was already paid. Amounts are never rewritten.
/// </summary>
public sealed class RefundService(AttributionDbContext db, CommissionBook book, RetentionMilestones milestones, TimeProvider timeProvider)
{
    /// <param name="keyed">Its <c>Idempotency-Key</c>, if any: stored with the answer in the commit that records the refund.</param>
    /// <remarks>
    /// A refund of one of a customer's orders changes the customer's order count and moves the bonuses of its other
    /// orders, while those orders are being refunded or new ones recorded: it takes the customer's credit row before the
    /// order's (the lock order of <see cref="CommissionBook.LockForBookingAsync(IReadOnlyCollection{Guid}, PartnerProgram?, CancellationToken)"/>),
    /// and a deadlock or serialization failure PostgreSQL still reports runs the whole refund again
    /// (<see cref="ConflictRetry"/>): the caller gets its answer, never a 503 for a conflict.
    /// </remarks>
    public Task<RefundResult> RecordAsync(RecordRefundRequest request, IdempotentRequest? keyed, CancellationToken cancellationToken) =>
        db.RetryOnConflictAsync(() => RecordOnceAsync(request, keyed, cancellationToken), cancellationToken);

    private async Task<RefundResult> RecordOnceAsync(RecordRefundRequest request, IdempotentRequest? keyed, CancellationToken cancellationToken)
    {
        var kind = request.Kind ?? "refund";
        if (await FindAsync(request.RefundId!, cancellationToken) is { } existing)
        {
            return Replay(existing, request, kind);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var counted = await db.Conversions.AsNoTracking().Where(c => c.OrderId == request.OrderId)
            .Select(c => new { c.CreditScope, c.CustomerId }).SingleOrDefaultAsync(cancellationToken);
        if (counted is { CreditScope: { } countedScope, CustomerId: { } countedCustomer })
        {
            // The customer's credit first, then the order: new orders of the customer take the credit, refunds of its other
            // orders the credit and then their own order, so none holds an order while waiting for the credit.
            await db.Database.ExecuteSqlAsync(
                $"SELECT 1 FROM customer_credits WHERE scope = {countedScope} AND customer_id = {countedCustomer} FOR UPDATE", cancellationToken);
        }

        var conversion = await db.Conversions.FromSql($"SELECT * FROM conversions WHERE order_id = {request.OrderId} FOR NO KEY UPDATE")
            .SingleOrDefaultAsync(cancellationToken);
        if (conversion is null)
        {
            return new RefundResult(RefundOutcome.UnknownOrder);
        }

        // Re-check under the lock: a concurrent duplicate may have committed while we waited.
        if (await FindAsync(request.RefundId!, cancellationToken) is { } committed)
        {
            return Replay(committed, request, kind);
        }

        if (conversion.Currency != request.Currency)
        {
            return new RefundResult(RefundOutcome.CurrencyMismatch, Detail: $"Order {conversion.OrderId} is in {conversion.Currency}, the refund in {request.Currency}.");
        }

        if (request.RefundedAt?.ForStorage() is { } dated && dated < conversion.OrderedAt)
        {
            return new RefundResult(RefundOutcome.BeforeOrder, Detail:
                $"refundedAt ({dated:O}) is before order {conversion.OrderId} was placed ({conversion.OrderedAt:O}): a {kind} cannot precede its order.");
        }

        var remaining = conversion.Amount - conversion.RefundedAmount;
        if (remaining <= 0)
        {
            return new RefundResult(RefundOutcome.AlreadyFullyRefunded, Detail: $"Order {conversion.OrderId} is already fully refunded or cancelled.");
        }

        var amount = kind == "cancellation" ? request.Amount ?? remaining : request.Amount!.Value;
        amount = Money.Round(amount, conversion.Currency);
        if (amount > remaining || (kind == "cancellation" && amount != remaining))
        {
            return new RefundResult(kind == "cancellation" && amount < remaining ? RefundOutcome.CancellationNotWhole : RefundOutcome.ExceedsOrder, Detail:
                kind == "cancellation"
                    ? $"A cancellation takes back the whole remaining amount ({Money.Round(remaining, conversion.Currency)} {conversion.Currency})."
                    : $"The refund ({amount} {conversion.Currency}) is larger than what is left of order {conversion.OrderId} ({Money.Round(remaining, conversion.Currency)} {conversion.Currency}).");
        }

        var now = timeProvider.GetUtcNowForStorage();
        var refundedAt = request.RefundedAt?.ForStorage() ?? now;
        var isFull = conversion.RefundedAmount + amount == conversion.Amount;
        conversion.RefundedAmount += amount;
        conversion.Status = kind == "cancellation" ? ConversionStatus.Cancelled : isFull ? ConversionStatus.Refunded : ConversionStatus.PartiallyRefunded;
        var leftCount = isFull ? conversion.CreditScope : null;
        if (leftCount is { } creditScope && conversion.CustomerId is { } customerId)
        {
            // The order no longer counts for the customer's milestones. Once only: the conversion leaves its credit here,
            // and a replayed or second full refund never gets this far.
            await db.Database.ExecuteSqlAsync(
                $"UPDATE customer_credits SET order_count = order_count - 1 WHERE scope = {creditScope} AND customer_id = {customerId} AND order_count > 0",
                cancellationToken);
            conversion.CreditScope = null;
        }

        // The order's entries are locked as a payout batch locks what it pays (FOR UPDATE): a refund racing a payout
        // either waits for the batch and sees its sale paid (a clawback), or the batch skips the locked sale and pays it
        // with its reversal next time; the label always says whether the sale was paid when the take-back committed.
        var entries = await db.Commissions.FromSql($"SELECT * FROM commissions WHERE conversion_id = {conversion.Id} ORDER BY id FOR UPDATE")
            .ToListAsync(cancellationToken);
        var saleReversed = 0m;
        foreach (var original in entries.Where(entry => entry.Amount > 0 && entry.Status != CommissionStatus.Rejected))
        {
            var alreadyReversed = -entries.Where(entry => entry.OriginalCommissionId == original.Id).Sum(entry => entry.Amount);
            // Sales are taken back in proportion; a milestone bonus only when the order is refunded in full.
            var reversal = original.Kind == CommissionKind.Sale
                ? CommissionCalculator.Reversal(original.Amount, alreadyReversed, conversion.Amount, conversion.RefundedAmount, isFull, original.Currency)
                : isFull ? Money.Round(original.Amount - alreadyReversed, original.Currency) : 0m;
            if (reversal <= 0)
            {
                continue;
            }

            var entry = original.ReversedBy(reversal, $"refund:{request.RefundId}:{original.Id}", now, refundId: request.RefundId);
            db.Commissions.Add(entry);
            book.Reversed(entry, kind, now);
            // What the refund reports is the credited partner's sale commission taken back, the counterpart of the
            // conversion's commissionAmount in its commissionCurrency (a fixed EUR commission on a JPY order is reversed
            // in EUR); other entries (the referrer's bonuses) have their own CommissionReversed.
            if (original.Kind == CommissionKind.Sale && original.PartnerId == conversion.PartnerId && original.Currency == conversion.CommissionCurrency)
            {
                saleReversed += reversal;
            }
        }

        if (leftCount is { } scope && conversion.CustomerId is { } customer)
        {
            await milestones.RenumberAsync(conversion, scope, customer, now, cancellationToken);
        }

        var refund = new Refund
        {
            Id = Guid.CreateVersion7(now),
            RefundId = request.RefundId!,
            ConversionId = conversion.Id,
            OrderId = conversion.OrderId,
            Kind = kind,
            Amount = amount,
            Currency = conversion.Currency,
            IsFullRefund = isFull,
            CommissionReversed = saleReversed,
            RefundedAt = refundedAt,
            CreatedAt = now,
        };
        db.Refunds.Add(refund);
        db.AddIntegrationEvent(new RefundRecorded
        {
            EventId = Guid.CreateVersion7(now),
            OccurredAt = now,
            RefundId = refund.RefundId,
            OrderId = refund.OrderId,
            Kind = kind,
            Amount = amount,
            Currency = refund.Currency,
            IsFullRefund = isFull,
            RefundedAt = refundedAt,
            PartnerId = conversion.PartnerId,
            CommissionReversed = saleReversed,
            CommissionCurrency = conversion.CommissionCurrency,
        });
        var response = Response(refund, conversion);
        db.RememberAnswer(keyed, response, now);

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(ConversionConfiguration.UniqueRefundIdIndex))
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            var winner = await FindAsync(request.RefundId!, cancellationToken)
                ?? throw new InvalidOperationException($"Refund {request.RefundId} violated uniqueness but cannot be read.");
            return Replay(winner, request, kind);
        }

        return new RefundResult(RefundOutcome.Created, response);
    }

    private async Task<(Refund Refund, Conversion Conversion)?> FindAsync(string refundId, CancellationToken cancellationToken)
    {
        var refund = await db.Refunds.AsNoTracking().SingleOrDefaultAsync(refund => refund.RefundId == refundId, cancellationToken);
        if (refund is null)
        {
            return null;
        }

        var conversion = await db.Conversions.AsNoTracking().SingleAsync(conversion => conversion.Id == refund.ConversionId, cancellationToken);
        return (refund, conversion);
    }

    private static RefundResult Replay((Refund Refund, Conversion Conversion) existing, RecordRefundRequest request, string kind)
    {
        var (refund, conversion) = existing;
        var same = refund.OrderId == request.OrderId && refund.Kind == kind && refund.Currency == request.Currency
            && (request.Amount is null || Money.Round(request.Amount.Value, refund.Currency) == refund.Amount)
            && (request.RefundedAt is not { } refundedAt || refundedAt.ForStorage() == refund.RefundedAt);
        return same
            ? new RefundResult(RefundOutcome.Replayed, Response(refund, conversion))
            : new RefundResult(RefundOutcome.Conflict, Detail: $"Refund {refund.RefundId} was already recorded with different facts.");
    }

    private static RefundResponse Response(Refund refund, Conversion conversion) => new(
        refund.RefundId, refund.OrderId, refund.Kind, Money.Round(refund.Amount, refund.Currency), refund.Currency, refund.IsFullRefund,
        Money.Round(refund.CommissionReversed, conversion.CommissionCurrency ?? refund.Currency), conversion.CommissionCurrency,
        Money.Round(conversion.RefundedAmount, conversion.Currency), conversion.Status, refund.RefundedAt);
}
