using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
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

    /// <summary>
    /// Locks the counters of a group commit, creating the missing ones, in ascending key order (one statement: the rows
    /// of <c>INSERT … SELECT … ORDER BY</c> are inserted, or their conflicting rows locked, in that order), and returns
    /// their uses. <c>ON CONFLICT DO UPDATE</c> locks the latest committed version of each row, so until the caller's
    /// transaction ends nobody else can take or give back a use of these counters, and the returned values are exact.
    /// </summary>
    public async Task<Dictionary<string, int>> LockAsync(IEnumerable<CounterClaim> claims, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // One entry per key (ON CONFLICT cannot touch a row twice); a key's limit is the latest request's view of it.
        var latest = new Dictionary<string, int?>(StringComparer.Ordinal);
        foreach (var claim in claims)
        {
            latest[claim.Key] = claim.MaxUses;
        }

        var keys = latest.Keys.Order(StringComparer.Ordinal).ToArray();
        await using var command = Command("""
            INSERT INTO coupon_counters AS counter (key, uses, max_uses, updated_at)
            SELECT claim.key, 0, claim.max_uses, @now
            FROM unnest(@keys, @maxes) WITH ORDINALITY AS claim(key, max_uses, position)
            ORDER BY claim.position
            ON CONFLICT (key) DO UPDATE SET max_uses = EXCLUDED.max_uses
            RETURNING counter.key, counter.uses
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]>("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = keys });
        command.Parameters.Add(new NpgsqlParameter<int?[]>("maxes", NpgsqlDbType.Array | NpgsqlDbType.Integer)
        {
            TypedValue = [.. keys.Select(key => latest[key])],
        });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", NpgsqlDbType.TimestampTz) { TypedValue = now });
        var uses = new Dictionary<string, int>(keys.Length, StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            uses[reader.GetString(0)] = reader.GetInt32(1);
        }

        return uses;
    }

    /// <summary>Writes the uses a group commit computed for counters it holds locked (<see cref="LockAsync"/>).</summary>
    public async Task SetAsync(IReadOnlyDictionary<string, int> uses, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (uses.Count == 0)
        {
            return;
        }

        await using var command = Command("""
            UPDATE coupon_counters AS counter SET uses = claim.uses, updated_at = @now
            FROM unnest(@keys, @uses) AS claim(key, uses) WHERE counter.key = claim.key
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]>("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. uses.Keys] });
        command.Parameters.Add(new NpgsqlParameter<int[]>("uses", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. uses.Values] });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", NpgsqlDbType.TimestampTz) { TypedValue = now });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Serialises everything done to these orders (redeem, cancel, refund), on every instance, until commit. Several
    /// orders are locked in ascending lock id, so two group commits sharing orders never wait on each other in a cycle.
    /// </summary>
    public async Task LockOrdersAsync(IEnumerable<string> orderIds, CancellationToken cancellationToken)
    {
        await using var command = Command("""
            SELECT pg_advisory_xact_lock(ordered.id)
            FROM (SELECT DISTINCT hashtextextended('order:' || order_id, 0) AS id FROM unnest(@orders) AS order_id ORDER BY 1) AS ordered
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]>("orders", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. orderIds] });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private NpgsqlCommand Command(string sql) =>
        new(sql, (NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction)(db.Database.CurrentTransaction ?? throw new InvalidOperationException("A transaction is required.")).GetDbTransaction());

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

    /// <summary>Current uses of the given counters (no lock: validation reads a committed snapshot). One primary-key
    /// lookup, sent without EF's query pipeline: every validation runs it. Holds past their expiry still count here
    /// until they are given back; <see cref="ReadLiveAsync"/> leaves them out.</summary>
    public Task<Dictionary<string, int>> ReadAsync(IReadOnlyList<CounterClaim> claims, CancellationToken cancellationToken) =>
        ReadUsesAsync("SELECT key, uses FROM coupon_counters WHERE key = ANY(@keys)", [.. claims.Select(claim => claim.Key)], null, cancellationToken);

    /// <summary>
    /// Current uses without the holds past their expiry (<c>held</c> reservations the sweeper has not given back yet): a
    /// reservation gives those back before it refuses, so they are not uses to anyone else either. One statement, so the
    /// counters and the holds come from the same snapshot; the holds are found through the partial index of held
    /// reservations by expiry (a handful at most, whatever the sweeper has not reached yet).
    /// </summary>
    public Task<Dictionary<string, int>> ReadLiveAsync(IReadOnlyList<string> keys, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadUsesAsync("""
            SELECT counter.key, counter.uses - (SELECT count(*)::integer FROM coupon_reservations AS hold
                                                WHERE hold.status = 'held' AND hold.expires_at <= @now AND counter.key = ANY(hold.counter_keys))
            FROM coupon_counters AS counter WHERE counter.key = ANY(@keys)
            """, keys, now, cancellationToken);

    private async Task<Dictionary<string, int>> ReadUsesAsync(string sql, IReadOnlyList<string> keys, DateTimeOffset? now, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection());
            command.Parameters.Add(new NpgsqlParameter<string[]>("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. keys] });
            if (now is { } at)
            {
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", NpgsqlDbType.TimestampTz) { TypedValue = at });
            }

            var uses = new Dictionary<string, int>(keys.Count, StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                uses[reader.GetString(0)] = reader.GetInt32(1);
            }

            return uses;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
