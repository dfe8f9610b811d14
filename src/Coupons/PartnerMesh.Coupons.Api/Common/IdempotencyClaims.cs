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
        if (await db.Database.ExecuteSqlAsync($"""
                INSERT INTO idempotency_keys (operation, key, fingerprint, resource_id, created_at)
                VALUES ({operation}, {key}, {fingerprint}, {resourceId}, {now})
                ON CONFLICT (operation, key) DO NOTHING
                """, cancellationToken) == 1)
        {
            return (IdempotencyOutcome.Claimed, resourceId);
        }

        var earlier = await db.IdempotencyKeys.AsNoTracking()
            .SingleAsync(record => record.Operation == operation && record.Key == key, cancellationToken);
        return (earlier.Fingerprint == fingerprint ? IdempotencyOutcome.Replayed : IdempotencyOutcome.Mismatch, earlier.ResourceId);
    }
}

public enum IdempotencyOutcome
{
    Claimed,
    Replayed,
    Mismatch,
}
