using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Promotions;
using PartnerMesh.Outbox;
using PartnerMesh.Promotions.Api.Infrastructure;

namespace PartnerMesh.Promotions.Api.Budgets;

/// <param name="Currency">The cart's: the spend is counted in it (<see cref="BudgetKeys.PerCounter"/>).</param>
/// <param name="CheckoutId">The checkout the hold is for: it replaces the checkout's earlier hold in the same transaction.</param>
public sealed record ReservationRequest(
    Guid QuoteId, DateTimeOffset ExpiresAt, IReadOnlyList<(BudgetClaim Claim, decimal Spend)> Claims, string Currency, string? CheckoutId = null);

/// <param name="RefusalDetail">Which cap refused, readable (<see cref="BudgetRefusals.Describe"/>).</param>
public sealed record ReservationOutcome(Guid? ReservationId, BudgetClaim? RefusedBy, string? RefusalDetail = null)
{
    public bool Succeeded => RefusedBy is null;
}

/// <summary>
/// Reserves, consumes and gives back budget with conditional UPDATEs on <c>budget_counters</c>: PostgreSQL locks the
/// row, re-checks the cap against the committed value and refuses past it, so no interleaving of concurrent checkouts
/// overspends. Every path — reserve, release, sweep — touches counters in key order, so two transactions never wait
/// on each other in a cycle. A refused claim rolls the whole reservation back. Inside a caller's transaction (an order
/// taking its own use) a reservation is a savepoint of it, and commits or rolls back with it. A checkout's hold replaces
/// the one its earlier evaluation took, in one transaction serialised per checkout (an advisory lock): the earlier hold
/// is given back and the new one taken or refused together, so a checkout never holds two, and a refusal keeps the
/// earlier one.
/// </summary>
public sealed class BudgetLedger(PromotionsDbContext db, TimeProvider timeProvider, BudgetStatusCache statusCache)
{
    private const string ReservationSavepoint = "budget_reservation";
    private const string CheckoutLock = "promotions-checkout:";

    private readonly List<(string Key, CounterState Counter)> _uncommitted = [];

    private sealed record HeldRow(Guid Id, string Items);

    private sealed record CounterRow(int Uses, decimal Spend, int? MaxUses, decimal? MaxSpend)
    {
        public CounterState State => new(Uses, Spend, MaxUses, MaxSpend);
    }

    public async Task<ReservationOutcome> ReserveAsync(ReservationRequest request, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var claims = BudgetKeys.PerCounter(request.Claims, request.Currency);
        var counted = new List<(string Key, CounterState Counter)>(claims.Count);
        var exhausted = new List<PromotionBudgetExhausted>();
        var outer = db.Database.CurrentTransaction;
        await using var own = outer is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        if (outer is not null)
        {
            if (request.CheckoutId is not null)
            {
                throw new InvalidOperationException("A checkout's hold is taken in a transaction of its own.");
            }

            await outer.CreateSavepointAsync(ReservationSavepoint, cancellationToken);
        }
        else if (request.CheckoutId is { } checkoutId)
        {
            await ReleaseHeldOfCheckoutAsync(checkoutId, except: null, [.. claims.Select(entry => entry.Claim.Key)], cancellationToken);
        }

        foreach (var (claim, spend) in claims)
        {
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO budget_counters (key, uses, spend, max_uses, max_spend, updated_at) VALUES ({claim.Key}, 0, 0, {claim.MaxUses}, {claim.MaxSpend}, {now}) ON CONFLICT (key) DO NOTHING",
                cancellationToken);
            var rows = await db.Database.SqlQuery<CounterRow>($"""
                UPDATE budget_counters
                SET uses = uses + 1, spend = spend + {spend}, max_uses = {claim.MaxUses}, max_spend = {claim.MaxSpend}, updated_at = {now}
                WHERE key = {claim.Key}
                  AND ({claim.MaxUses}::integer IS NULL OR uses + 1 <= {claim.MaxUses})
                  AND ({claim.MaxSpend}::numeric IS NULL OR spend + {spend} <= {claim.MaxSpend})
                RETURNING uses, spend, max_uses, max_spend
                """).ToListAsync(cancellationToken);
            if (rows.Count == 0)
            {
                if (own is not null)
                {
                    await own.RollbackAsync(cancellationToken);
                    ForgetUncommitted(); // the checkout's earlier hold, given back above, holds again
                }
                else
                {
                    await outer!.RollbackToSavepointAsync(ReservationSavepoint, cancellationToken);
                }

                // What refused it, so that the product page and cart refuse the same cart as this did, and no other
                // (a spend cap refuses a discount larger than what is left, not every discount).
                var refusing = await db.Database.SqlQuery<CounterRow>(
                    $"SELECT uses, spend, max_uses, max_spend FROM budget_counters WHERE key = {claim.Key}").ToListAsync(cancellationToken);
                if (refusing.Count == 1)
                {
                    Counted(claim.Key, refusing[0].State, committed: outer is null);
                }

                return new ReservationOutcome(null, claim, BudgetRefusals.Describe(claim, refusing.Count == 1 ? refusing[0].State : null, spend));
            }

            var counter = rows[0].State;
            counted.Add((claim.Key, counter));
            if (claim.Scope is { } scope && counter.AtCap)
            {
                exhausted.Add(new PromotionBudgetExhausted
                {
                    EventId = Guid.CreateVersion7(now),
                    OccurredAt = now,
                    PromotionId = claim.PromotionId,
                    Scope = scope.ToString().ToLowerInvariant(),
                    Period = claim.Period.ToString().ToLowerInvariant(),
                    PeriodKey = claim.PeriodKey,
                    CampaignId = claim.CampaignId,
                    PartnerId = claim.PartnerId,
                    MaxUses = claim.MaxUses,
                    MaxSpend = claim.MaxSpend,
                });
            }
        }

        exhausted.ForEach(db.AddIntegrationEvent); // only once the whole reservation holds
        var reservation = new BudgetReservation
        {
            Id = Guid.CreateVersion7(now),
            QuoteId = request.QuoteId,
            CheckoutId = request.CheckoutId,
            Status = ReservationStatus.Held,
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
            Items = JsonSerializer.Serialize(claims.Select(entry => new ReservedAmount(entry.Claim.Key, entry.Spend))),
        };
        db.BudgetReservations.Add(reservation);
        await db.SaveChangesAsync(cancellationToken);
        if (own is not null)
        {
            await own.CommitAsync(cancellationToken);
            MarkCommitted();
        }

        counted.ForEach(entry => Counted(entry.Key, entry.Counter, committed: own is not null));
        return new ReservationOutcome(reservation.Id, null);
    }

    /// <summary>Gives back what the checkout holds, but <paramref name="except"/>: a checkout evaluation that reserves
    /// nothing now, or the order of an earlier quote of the checkout (the checkout's latest hold is not for it). One
    /// indexed look-up when the checkout holds nothing.</summary>
    public async Task ReleaseCheckoutAsync(string checkoutId, Guid? except, CancellationToken cancellationToken)
    {
        if (!await db.Database.SqlQuery<bool>(
                $"SELECT EXISTS (SELECT 1 FROM budget_reservations WHERE checkout_id = {checkoutId} AND status = 'Held' AND id IS DISTINCT FROM {except}) AS \"Value\"")
                .SingleAsync(cancellationToken))
        {
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await ReleaseHeldOfCheckoutAsync(checkoutId, except, [], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        MarkCommitted();
    }

    /// <summary>The counter keys the checkout's hold claims (none when it holds nothing).</summary>
    public async Task<IReadOnlySet<string>> HeldKeysAsync(string checkoutId, CancellationToken cancellationToken)
    {
        var items = await db.Database.SqlQuery<string>(
            $"SELECT items AS \"Value\" FROM budget_reservations WHERE checkout_id = {checkoutId} AND status = 'Held'").ToListAsync(cancellationToken);
        return items.SelectMany(Keys).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Inside the caller's transaction: waits for the checkout's other evaluations (an advisory lock held to the commit),
    /// then gives back what it holds, but <paramref name="except"/>. The counters of the holds and of
    /// <paramref name="claimKeys"/> (the reservation that follows) are locked first, in key order, as every path does.
    /// </summary>
    private async Task ReleaseHeldOfCheckoutAsync(string checkoutId, Guid? except, string[] claimKeys, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({CheckoutLock + checkoutId}, 0))", cancellationToken);
        var held = await db.Database.SqlQuery<HeldRow>(
            $"SELECT id AS \"Id\", items AS \"Items\" FROM budget_reservations WHERE checkout_id = {checkoutId} AND status = 'Held' AND id IS DISTINCT FROM {except}")
            .ToListAsync(cancellationToken);
        if (held.Count == 0)
        {
            return;
        }

        var keys = held.SelectMany(row => Keys(row.Items)).Concat(claimKeys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        await db.Database.SqlQuery<string>($"SELECT key AS \"Value\" FROM budget_counters WHERE key = ANY({keys}) ORDER BY key FOR UPDATE")
            .ToListAsync(cancellationToken);
        foreach (var row in held)
        {
            await ReleaseAsync(row.Id, cancellationToken, onlyWhenHeld: true);
        }
    }

    private static IEnumerable<string> Keys(string items) =>
        (JsonSerializer.Deserialize<ReservedAmount[]>(items) ?? []).Select(item => item.Key);

    /// <summary>Held → consumed by this order. False when it is no longer held: consumed by another order on the same quote,
    /// or given back (expiry, cancellation).</summary>
    public async Task<bool> ConsumeAsync(Guid reservationId, string orderId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        return await db.Database.ExecuteSqlAsync(
            $"UPDATE budget_reservations SET status = 'Consumed', order_id = {orderId}, settled_at = {now} WHERE id = {reservationId} AND status = 'Held'",
            cancellationToken) == 1;
    }

    /// <summary>Gives a held or consumed reservation's uses and spend back (expiry, cancellation). Runs inside the caller's
    /// transaction when there is one; the status change guards against giving back twice.</summary>
    public async Task<bool> ReleaseAsync(Guid reservationId, CancellationToken cancellationToken, bool onlyWhenHeld = false)
    {
        var now = timeProvider.GetUtcNow();
        var items = await db.Database.SqlQuery<string>($"""
            UPDATE budget_reservations SET status = 'Released', settled_at = {now}
            WHERE id = {reservationId} AND (status = 'Held' OR (NOT {onlyWhenHeld} AND status = 'Consumed'))
            RETURNING items AS "Value"
            """).ToListAsync(cancellationToken);
        if (items.Count == 0)
        {
            return false;
        }

        var committed = db.Database.CurrentTransaction is null;
        foreach (var item in (JsonSerializer.Deserialize<ReservedAmount[]>(items[0]) ?? []).OrderBy(item => item.Key, StringComparer.Ordinal))
        {
            var counters = await db.Database.SqlQuery<CounterRow>($"""
                UPDATE budget_counters SET uses = GREATEST(uses - 1, 0), spend = GREATEST(spend - {item.Spend}, 0), updated_at = {now}
                WHERE key = {item.Key}
                RETURNING uses, spend, max_uses, max_spend
                """).ToListAsync(cancellationToken);
            if (counters.Count == 1)
            {
                Counted(item.Key, counters[0].State, committed);
            }
        }

        return true;
    }

    /// <summary>
    /// Tells the in-memory status what the caller's transaction counted, now that it is committed. Only then: a refresh
    /// reading PostgreSQL between an early update and the commit would put the older value back for as long as the next
    /// refresh takes, and a rolled-back change must never show.
    /// </summary>
    public void MarkCommitted()
    {
        _uncommitted.ForEach(entry => statusCache.Record(entry.Key, entry.Counter));
        _uncommitted.Clear();
    }

    /// <summary>The caller's transaction rolled back: what it counted never happened.</summary>
    public void ForgetUncommitted() => _uncommitted.Clear();

    private void Counted(string key, CounterState counter, bool committed)
    {
        if (committed)
        {
            statusCache.Record(key, counter);
        }
        else
        {
            _uncommitted.Add((key, counter));
        }
    }

    /// <summary>
    /// Gives back the held reservations already expired, so that a cap that refuses is checked again without them: an
    /// expired hold never counts, so the sweeper's delay never refuses a shopper (say the order on a quote that expired a
    /// second ago, re-evaluated against a cap still filled by its own hold). Checkout calls it only once a cap refuses;
    /// one indexed look-up when there is none. True when it gave any back.
    /// </summary>
    public async Task<bool> ReleaseExpiredNowAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var any = await db.Database.SqlQuery<bool>(
            $"SELECT EXISTS (SELECT 1 FROM budget_reservations WHERE status = 'Held' AND expires_at < {now}) AS \"Value\"").SingleAsync(cancellationToken);
        while (any && await ReleaseExpiredAsync(100, cancellationToken) == 100)
        {
        }

        return any;
    }

    /// <summary>Releases held reservations whose quote expired, a batch at a time, skipping rows another instance holds.</summary>
    public async Task<int> ReleaseExpiredAsync(int batchSize, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var expired = await db.Database.SqlQuery<Guid>($"""
            SELECT id AS "Value" FROM budget_reservations
            WHERE status = 'Held' AND expires_at < {now}
            ORDER BY expires_at LIMIT {batchSize} FOR UPDATE SKIP LOCKED
            """).ToListAsync(cancellationToken);
        foreach (var id in expired)
        {
            await ReleaseAsync(id, cancellationToken, onlyWhenHeld: true);
        }

        await transaction.CommitAsync(cancellationToken);
        MarkCommitted();
        return expired.Count;
    }
}
