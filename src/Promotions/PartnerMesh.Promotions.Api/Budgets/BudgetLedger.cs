using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Promotions;
using PartnerMesh.Outbox;
using PartnerMesh.Promotions.Api.Infrastructure;

namespace PartnerMesh.Promotions.Api.Budgets;

public sealed record ReservationRequest(Guid QuoteId, DateTimeOffset ExpiresAt, IReadOnlyList<(BudgetClaim Claim, decimal Spend)> Claims);

public sealed record ReservationOutcome(Guid? ReservationId, BudgetClaim? RefusedBy)
{
    public bool Succeeded => RefusedBy is null;
}

/// <summary>
/// Reserves, consumes and gives back budget with conditional UPDATEs on <c>budget_counters</c>: PostgreSQL locks the
/// row, re-checks the cap against the committed value and refuses past it, so no interleaving of concurrent checkouts
/// overspends. Every path — reserve, release, sweep — touches counters in key order, so two transactions never wait
/// on each other in a cycle. A refused claim rolls the whole reservation back.
/// </summary>
public sealed class BudgetLedger(PromotionsDbContext db, TimeProvider timeProvider, BudgetStatusCache statusCache)
{
    private readonly List<string> _releasedKeys = [];

    private sealed record CounterRow(int Uses, decimal Spend, int? MaxUses, decimal? MaxSpend);

    public async Task<ReservationOutcome> ReserveAsync(ReservationRequest request, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var reachedCap = new List<string>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var (claim, spend) in request.Claims.OrderBy(entry => entry.Claim.Key, StringComparer.Ordinal))
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
                await transaction.RollbackAsync(cancellationToken);
                statusCache.MarkExhausted(claim.Key);
                return new ReservationOutcome(null, claim);
            }

            var counter = rows[0];
            if (counter.Uses >= counter.MaxUses || counter.Spend >= counter.MaxSpend)
            {
                reachedCap.Add(claim.Key);
            }

            if (claim.Scope is { } scope && (counter.Uses >= counter.MaxUses || counter.Spend >= counter.MaxSpend))
            {
                db.AddIntegrationEvent(new PromotionBudgetExhausted
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

        var reservation = new BudgetReservation
        {
            Id = Guid.CreateVersion7(now),
            QuoteId = request.QuoteId,
            Status = ReservationStatus.Held,
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
            Items = JsonSerializer.Serialize(request.Claims.Select(entry => new ReservedAmount(entry.Claim.Key, entry.Spend))),
        };
        db.BudgetReservations.Add(reservation);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        reachedCap.ForEach(statusCache.MarkExhausted);
        return new ReservationOutcome(reservation.Id, null);
    }

    /// <summary>Held → consumed by this order. False when it is no longer held (released on expiry or cancelled).</summary>
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

        foreach (var item in (JsonSerializer.Deserialize<ReservedAmount[]>(items[0]) ?? []).OrderBy(item => item.Key, StringComparer.Ordinal))
        {
            await db.Database.ExecuteSqlAsync(
                $"UPDATE budget_counters SET uses = GREATEST(uses - 1, 0), spend = GREATEST(spend - {item.Spend}, 0), updated_at = {now} WHERE key = {item.Key}",
                cancellationToken);
            _releasedKeys.Add(item.Key);
        }

        if (db.Database.CurrentTransaction is null)
        {
            MarkReleasesCommitted();
        }

        return true;
    }

    /// <summary>
    /// Tells the in-memory status that the uses given back inside the caller's transaction are committed. Only then: a
    /// refresh reading PostgreSQL between an early "available" mark and the commit would still see the cap, and would put
    /// the "exhausted" mark back for as long as the next refresh takes.
    /// </summary>
    public void MarkReleasesCommitted()
    {
        _releasedKeys.ForEach(statusCache.MarkAvailable);
        _releasedKeys.Clear();
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
        MarkReleasesCommitted();
        return expired.Count;
    }
}
