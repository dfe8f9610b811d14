using Microsoft.EntityFrameworkCore;
using PartnerMesh.Coupons.Api.Infrastructure;

namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>
/// Takes and gives back uses on <c>coupon_counters</c> inside the caller's transaction. A use is taken with one
/// conditional upsert per counter: PostgreSQL locks the row and re-checks <c>uses + 1 &lt;= max_uses</c> against the
/// latest committed value, so no interleaving of transactions, on any number of instances, passes a limit. Every path
/// locks counters in ascending key order (after the order lock and the reservation row, when it takes those), so two
/// transactions never wait on each other in a cycle.
/// </summary>
public sealed class UsageLedger(CouponsDbContext db)
{
    /// <summary>Takes one use from every counter, in key order; returns the first counter that is full (nothing is
    /// taken then, once the caller rolls back), or null.</summary>
    public async Task<CounterClaim?> TakeAsync(IReadOnlyList<CounterClaim> claims, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var claim in claims.OrderBy(claim => claim.Key, StringComparer.Ordinal))
        {
            var taken = await db.Database.SqlQuery<int>($"""
                INSERT INTO coupon_counters AS counter (key, uses, max_uses, updated_at)
                VALUES ({claim.Key}, 1, {claim.MaxUses}::integer, {now})
                ON CONFLICT (key) DO UPDATE SET uses = counter.uses + 1, max_uses = EXCLUDED.max_uses, updated_at = EXCLUDED.updated_at
                WHERE EXCLUDED.max_uses IS NULL OR counter.uses + 1 <= EXCLUDED.max_uses
                RETURNING uses AS "Value"
                """).ToListAsync(cancellationToken);
            if (taken.Count == 0)
            {
                return claim;
            }
        }

        return null;
    }

    /// <summary>Gives one use back per occurrence of a key, all keys in ascending order.</summary>
    public async Task GiveBackAsync(IEnumerable<string> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var group in keys.GroupBy(key => key, StringComparer.Ordinal).OrderBy(group => group.Key, StringComparer.Ordinal))
        {
            var count = group.Count();
            await db.Database.ExecuteSqlAsync(
                $"UPDATE coupon_counters SET uses = uses - {count}, updated_at = {now} WHERE key = {group.Key}", cancellationToken);
        }
    }

    /// <summary>Current uses of the given counters (no lock: validation reads a committed snapshot).</summary>
    public async Task<Dictionary<string, int>> ReadAsync(IReadOnlyList<CounterClaim> claims, CancellationToken cancellationToken)
    {
        var keys = claims.Select(claim => claim.Key).ToArray();
        return await db.UsageCounters.AsNoTracking().Where(counter => keys.Contains(counter.Key))
            .ToDictionaryAsync(counter => counter.Key, counter => counter.Uses, StringComparer.Ordinal, cancellationToken);
    }
}
