using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Data;

namespace PartnerMesh.Attribution.Api.Conversions;

public enum ReviewOutcome
{
    Done,
    NotFound,
    NotReviewable,

    /// <summary>The entry is a reversal or clawback: it follows the entry it takes back and is reviewed only with it.</summary>
    FollowsItsEntry,
}

/// <summary>pending → approved after the hold; held → reviewed (released or rejected); code-leak flags that arrive late.</summary>
public sealed class CommissionLifecycle(AttributionDbContext db, CommissionBook book, TimeProvider timeProvider)
{
    /// <summary>Approves pending entries whose hold elapsed, a batch at a time; instances share the work (SKIP LOCKED).</summary>
    public async Task<int> ApproveDueAsync(int batchSize, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNowForStorage();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var due = await db.Commissions.FromSql(
                $"SELECT * FROM commissions WHERE status = 'pending' AND hold_until <= {now} ORDER BY hold_until LIMIT {batchSize} FOR UPDATE SKIP LOCKED")
            .ToListAsync(cancellationToken);
        foreach (var entry in due)
        {
            entry.Status = CommissionStatus.Approved;
            entry.ApprovedAt = now;
            book.Approved(entry, "hold-elapsed", now);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return due.Count;
    }

    /// <summary>
    /// A reviewer clears a held entry (and the reversals that follow it): approved at once when its hold already elapsed,
    /// else pending until it does. A reversal is never reviewed on its own (<see cref="ReviewOutcome.FollowsItsEntry"/>):
    /// released apart from a held sale it would deduct from a payout the sale may never make. Decided under the entry's lock (<see cref="LockForReviewAsync"/>): of reviews racing
    /// each other one wins, the others find it no longer held (409).
    /// </summary>
    public Task<(ReviewOutcome Outcome, Commission? Entry)> ReleaseAsync(Guid id, CancellationToken cancellationToken) =>
        db.RetryOnConflictAsync<(ReviewOutcome Outcome, Commission? Entry)>(async () =>
        {
            var now = timeProvider.GetUtcNowForStorage();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var locked = await LockForReviewAsync(id, cancellationToken);
            if (locked.FirstOrDefault(c => c.Id == id) is { Amount: <= 0 } follower)
            {
                return (ReviewOutcome.FollowsItsEntry, follower);
            }

            var entries = locked.Where(c => c.Status == CommissionStatus.Held).ToList();
            var entry = entries.FirstOrDefault(c => c.Id == id);
            if (entry is null)
            {
                return (await db.Commissions.AnyAsync(c => c.Id == id, cancellationToken) ? ReviewOutcome.NotReviewable : ReviewOutcome.NotFound, null);
            }

            foreach (var item in entries)
            {
                item.HoldReasons = null;
                if (item.HoldUntil <= now)
                {
                    item.Status = CommissionStatus.Approved;
                    item.ApprovedAt = now;
                    book.Approved(item, "review", now);
                }
                else
                {
                    item.Status = CommissionStatus.Pending;
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return (ReviewOutcome.Done, entry);
        }, cancellationToken);

    /// <summary>
    /// A reviewer rejects a held or pending entry: it and its unpaid reversals never pay (a reversal approved beside its
    /// held entry, as late holds left them before they moved reversals too, is rejected with it). Paid entries are clawed
    /// back by refunds instead. Decided under the entry's lock, as <see cref="ReleaseAsync"/>.
    /// </summary>
    public Task<(ReviewOutcome Outcome, Commission? Entry)> RejectAsync(Guid id, CancellationToken cancellationToken) =>
        db.RetryOnConflictAsync<(ReviewOutcome Outcome, Commission? Entry)>(async () =>
        {
            var now = timeProvider.GetUtcNowForStorage();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var locked = await LockForReviewAsync(id, cancellationToken);
            if (locked.FirstOrDefault(c => c.Id == id) is { Amount: <= 0 } follower)
            {
                return (ReviewOutcome.FollowsItsEntry, follower);
            }

            var entries = locked.Where(c => (c.Id == id && c.Status is CommissionStatus.Held or CommissionStatus.Pending)
                || (c.OriginalCommissionId == id && c.Kind == CommissionKind.Reversal
                    && c.Status is CommissionStatus.Held or CommissionStatus.Pending or CommissionStatus.Approved)).ToList();
            var entry = entries.FirstOrDefault(c => c.Id == id);
            if (entry is null)
            {
                return (await db.Commissions.AnyAsync(c => c.Id == id, cancellationToken) ? ReviewOutcome.NotReviewable : ReviewOutcome.NotFound, null);
            }

            foreach (var item in entries)
            {
                item.Status = CommissionStatus.Rejected;
            }

            book.Reversed(entry, "rejected", now);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return (ReviewOutcome.Done, entry);
        }, cancellationToken);

    /// <summary>
    /// Locks an entry and the entries that follow it (<c>FOR UPDATE</c>, in id order, as refunds, re-attribution and
    /// payouts lock them) and reads them as committed: a review racing another review, a refund, a late hold or a payout
    /// decides on the state the other left. Read twice: a reversal a refund committed while this waited for the entry is
    /// not in the first read's snapshot, and only a holder of the entry's lock writes one, so the second read sees them all.
    /// </summary>
    private async Task<List<Commission>> LockForReviewAsync(Guid id, CancellationToken cancellationToken)
    {
        await db.Commissions.FromSql($"SELECT * FROM commissions WHERE id = {id} OR original_commission_id = {id} ORDER BY id FOR UPDATE")
            .ToListAsync(cancellationToken);
        return await db.Commissions.FromSql($"SELECT * FROM commissions WHERE id = {id} OR original_commission_id = {id} ORDER BY id FOR UPDATE")
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Coupons flagged the partner's code as leaked after the sale was booked: hold what is not paid yet, each entry with
    /// the unpaid reversals that follow it (a refund before the flag), so review releases or rejects them together and
    /// a reversal never pays out beside a held or rejected sale. Paid entries stay paid (a refund claws them back).
    /// </summary>
    /// <remarks>
    /// The caller holds the order's coupon-signal lock and its transaction. The entries are read under the locks a refund
    /// takes, in its order (the customer's credit, the order's row, then its entries <c>FOR UPDATE</c> in id order): a
    /// refund racing the hold either committed its reversal before (held here with its sale) or books it after, in the
    /// sale's held state; a payout either paid an entry before (left paid) or skips the held one; a review either
    /// decided before or finds the entry held.
    /// </remarks>
    public async Task HoldForLeakAsync(string orderId, Guid partnerId, string reason, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNowForStorage();
        var flag = new FraudFlag(FraudRules.CodeLeak, $"Coupons reported the partner's code as leaked ({reason}).");
        var order = await db.Conversions.AsNoTracking().Where(c => c.OrderId == orderId)
            .Select(c => new { c.CreditScope, c.CustomerId }).SingleOrDefaultAsync(cancellationToken);
        if (order is { CreditScope: { } scope, CustomerId: { } customerId })
        {
            await db.Database.ExecuteSqlAsync(
                $"SELECT 1 FROM customer_credits WHERE scope = {scope} AND customer_id = {customerId} FOR UPDATE", cancellationToken);
        }

        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM conversions WHERE order_id = {orderId} FOR NO KEY UPDATE", cancellationToken);
        var entries = await db.Commissions.FromSql(
                $"SELECT * FROM commissions WHERE order_id = {orderId} AND partner_id = {partnerId} ORDER BY id FOR UPDATE")
            .ToListAsync(cancellationToken);
        if (!entries.Any(entry => entry.Amount > 0))
        {
            book.FlagRaised(partnerId, flag, orderId, null, null, now);
            return;
        }

        foreach (var entry in entries.Where(entry => entry.Amount > 0))
        {
            if (entry.Status is CommissionStatus.Pending or CommissionStatus.Approved or CommissionStatus.Held)
            {
                var wasHeld = entry.Status == CommissionStatus.Held;
                Hold(entry);
                foreach (var reversal in entries.Where(c => c.OriginalCommissionId == entry.Id && c.Kind == CommissionKind.Reversal
                    && c.Status is CommissionStatus.Pending or CommissionStatus.Approved or CommissionStatus.Held))
                {
                    var reversalWasHeld = reversal.Status == CommissionStatus.Held;
                    Hold(reversal);
                    if (!reversalWasHeld)
                    {
                        book.Held(reversal, [], now);
                    }
                }

                if (!wasHeld)
                {
                    book.Held(entry, [flag], now);
                    continue;
                }
            }

            book.FlagRaised(partnerId, flag, orderId, entry.Id, null, now);
        }
    }

    private static void Hold(Commission entry)
    {
        entry.HoldReasons = string.Join(',', (entry.HoldReasons ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Append(FraudRules.CodeLeak).Distinct());
        entry.Status = CommissionStatus.Held;
        entry.ApprovedAt = null;
    }
}

/// <summary>Runs <see cref="CommissionLifecycle.ApproveDueAsync"/> on every instance at the configured interval.</summary>
public sealed class CommissionApprover(IServiceScopeFactory scopes, IOptions<AttributionOptions> options, ILogger<CommissionApprover> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ApprovalInterval);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var lifecycle = scope.ServiceProvider.GetRequiredService<CommissionLifecycle>();
                int approved;
                while ((approved = await lifecycle.ApproveDueAsync(500, stoppingToken)) > 0)
                {
                    logger.LogInformation("Approved {Count} commissions whose hold elapsed", approved);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Approving commissions failed; retrying in {Interval}", options.Value.ApprovalInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
