using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Promotions.Api.Idempotency;

/// <summary>
/// Runs a keyed request once. The first request with a key claims it: it inserts the key's row in a transaction of its own
/// (a connection beside the request's, whose work commits separately) and keeps that transaction open while it works. A
/// concurrent retry's insert waits on that row, so the work is never done twice; when the claim commits (with the answer)
/// the retry finds it, and when it rolls back (the work failed) the retry claims the key itself. A key expired by then is
/// claimed afresh. Only keyed calls pay for this: one more connection while they run.
/// </summary>
public sealed class IdempotentRequests(IServiceScopeFactory scopes, TimeProvider timeProvider)
{
    /// <summary>How long an order verification's key is remembered (the order id itself is remembered for good).</summary>
    public static readonly TimeSpan OrderKeyLifetime = TimeSpan.FromHours(24);

    /// <summary>How long a rollback's key (and its answer) is remembered.</summary>
    public static readonly TimeSpan DefinitionKeyLifetime = TimeSpan.FromHours(24);

    /// <summary>Waits while another request holds the key; then either holds it (<see cref="IdempotencyClaim.Earlier"/> null)
    /// or says how it was used before.</summary>
    public async Task<IdempotencyClaim> ClaimAsync(string operation, string caller, string key, string fingerprint, CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        IDbContextTransaction? transaction = null;
        try
        {
            var db = scope.ServiceProvider.GetRequiredService<PromotionsDbContext>();
            transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var now = timeProvider.GetUtcNow();
            var claimed = await db.Database.SqlQuery<int>($"""
                INSERT INTO idempotency_keys (caller, operation, key, fingerprint, created_at, expires_at)
                VALUES ({caller}, {operation}, {key}, {fingerprint}, {now}, {now})
                ON CONFLICT (caller, operation, key) DO UPDATE
                SET fingerprint = excluded.fingerprint, response = NULL, created_at = excluded.created_at, expires_at = excluded.expires_at
                WHERE idempotency_keys.expires_at <= {now}
                RETURNING 1 AS "Value"
                """).ToListAsync(cancellationToken);
            if (claimed.Count == 1)
            {
                return new IdempotencyClaim(scope, db, transaction, caller, operation, key, fingerprint, earlier: null);
            }

            // The conflicting row is committed and locked by the statement above: read it, then let it go.
            var earlier = await db.IdempotencyRecords.AsNoTracking()
                .SingleAsync(record => record.Caller == caller && record.Operation == operation && record.Key == key, cancellationToken);
            await transaction.DisposeAsync();
            await scope.DisposeAsync();
            return new IdempotencyClaim(null, null, null, caller, operation, key, fingerprint, earlier);
        }
        catch
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }

            await scope.DisposeAsync();
            throw;
        }
    }
}

/// <summary>A key held by this request (<see cref="Earlier"/> null: do the work, then <see cref="CompleteAsync"/>), or how it
/// was used before. Disposing an uncompleted claim rolls it back, freeing the key.</summary>
public sealed class IdempotencyClaim : IAsyncDisposable
{
    private readonly AsyncServiceScope? _scope;
    private readonly PromotionsDbContext? _db;
    private readonly IDbContextTransaction? _transaction;
    private readonly string _caller;
    private readonly string _operation;
    private readonly string _key;
    private readonly string _fingerprint;

    internal IdempotencyClaim(
        AsyncServiceScope? scope, PromotionsDbContext? db, IDbContextTransaction? transaction, string caller, string operation, string key,
        string fingerprint, IdempotencyRecord? earlier)
    {
        (_scope, _db, _transaction, _caller, _operation, _key, _fingerprint) = (scope, db, transaction, caller, operation, key, fingerprint);
        Earlier = earlier;
    }

    /// <summary>The key's earlier, committed use; null when this request holds the key.</summary>
    public IdempotencyRecord? Earlier { get; }

    /// <summary>Whether the earlier use was this same request (a retry), not another one under the same key.</summary>
    public bool IsRetry => Earlier is { } earlier && IdempotencyKeys.Matches(earlier.Fingerprint, _fingerprint);

    /// <summary>Stores the answer (if it is to be replayed) and commits the key. Not cancellable: once the work is done, the
    /// key must say so, or a retry would do it again.</summary>
    public async Task CompleteAsync(string? response, DateTimeOffset expiresAt)
    {
        if (_db is null || _transaction is null)
        {
            throw new InvalidOperationException("Only a claim that holds its key completes.");
        }

        await _db.Database.ExecuteSqlAsync($"""
            UPDATE idempotency_keys SET response = {response}, expires_at = {expiresAt}
            WHERE caller = {_caller} AND operation = {_operation} AND key = {_key}
            """, CancellationToken.None);
        await _transaction.CommitAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
        }

        if (_scope is { } scope)
        {
            await scope.DisposeAsync();
        }
    }
}
