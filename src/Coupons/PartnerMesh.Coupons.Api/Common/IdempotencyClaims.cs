using Microsoft.EntityFrameworkCore;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Coupons.Api.Common;

/// <summary>
/// Where coupons keeps the <c>Idempotency-Key</c>s of its creating POSTs (<see cref="IdempotencyKeys"/>): rows
/// (<see cref="IdempotencyRecord"/>, unique per operation) claimed in the transaction that creates the resource, so the
/// guarantee holds across instances and for concurrent retries: the second waits on the first's uncommitted key, then
/// replays it (or claims it, if the first rolled back).
/// </summary>
public static class IdempotencyClaims
{
    /// <summary>
    /// Claims <paramref name="key"/> for <paramref name="resourceId"/> inside the caller's transaction, or tells what the
    /// key already stands for. The caller creates the resource only when <see cref="IdempotencyOutcome.Claimed"/>.
    /// </summary>
    public static async Task<(IdempotencyOutcome Outcome, Guid ResourceId)> ClaimAsync(
        this CouponsDbContext db, string operation, string key, string fingerprint, Guid resourceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A key found used can vanish before it is read back (the retention sweep): then it is new again, and claimed.
        for (var attempt = 1; ; attempt++)
        {
            if (await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO idempotency_keys (operation, key, fingerprint, resource_id, created_at)
                    VALUES ({operation}, {key}, {fingerprint}, {resourceId}, {now})
                    ON CONFLICT (operation, key) DO NOTHING
                    """, cancellationToken) == 1)
            {
                return (IdempotencyOutcome.Claimed, resourceId);
            }

            if (await db.IdempotencyKeys.AsNoTracking()
                    .SingleOrDefaultAsync(record => record.Operation == operation && record.Key == key, cancellationToken) is { } earlier)
            {
                return (earlier.Fingerprint == fingerprint ? IdempotencyOutcome.Replayed : IdempotencyOutcome.Mismatch, earlier.ResourceId);
            }

            if (attempt == 2)
            {
                throw new InvalidOperationException($"Idempotency key '{key}' of {operation} conflicts but cannot be read.");
            }
        }
    }

    /// <summary>
    /// For operations that learn only later in the transaction whether they create anything (a use may be refused): a
    /// transaction-scoped advisory lock per key, in ascending lock-id order, so that the keys can be read, the decision
    /// made and the record added (<see cref="IdempotencyClaim.Record"/>) with no other transaction claiming them meanwhile.
    /// </summary>
    public static async Task LockAsync(this CouponsDbContext db, IEnumerable<IdempotencyClaim> claims, CancellationToken cancellationToken)
    {
        string[] locks = [.. claims.Select(claim => $"idempotency:{claim.Operation}:{claim.Key}")];
        await db.Database.ExecuteSqlAsync($"""
            SELECT pg_advisory_xact_lock(ordered.id)
            FROM (SELECT DISTINCT hashtextextended(name, 0) AS id FROM unnest({locks}) AS name ORDER BY 1) AS ordered
            """, cancellationToken);
    }

    /// <summary>The committed records of these keys.</summary>
    public static async Task<List<IdempotencyRecord>> FindAsync(this CouponsDbContext db, IReadOnlyCollection<IdempotencyClaim> claims, CancellationToken cancellationToken)
    {
        string[] operations = [.. claims.Select(claim => claim.Operation).Distinct(StringComparer.Ordinal)];
        string[] keys = [.. claims.Select(claim => claim.Key).Distinct(StringComparer.Ordinal)];
        var records = await db.IdempotencyKeys.AsNoTracking()
            .Where(record => operations.Contains(record.Operation) && keys.Contains(record.Key)).ToListAsync(cancellationToken);
        return [.. records.Where(record => claims.Any(claim => claim.Operation == record.Operation && claim.Key == record.Key))];
    }
}

public enum IdempotencyOutcome
{
    Claimed,
    Replayed,
    Mismatch,
}
