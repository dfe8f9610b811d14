using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using PartnerMesh.Gateway.Infrastructure;

namespace PartnerMesh.Gateway.ApiKeys;

/// <summary>
/// Looks keys up for authentication. Lookups (including misses) are cached for <see cref="GatewayOptions.ApiKeyCacheDuration"/>,
/// so a revocation reaches every gateway instance within seconds; the instance that revokes forgets the key at once. The
/// cache is the store's own and bounded (<see cref="GatewayOptions.ApiKeyCacheEntries"/>): made-up keys cannot grow it.
/// </summary>
public sealed class ApiKeyStore(
    IServiceScopeFactory scopes,
    IOptions<GatewayOptions> options,
    TimeProvider timeProvider,
    ILogger<ApiKeyStore> logger) : IDisposable
{
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastTouched = new(StringComparer.Ordinal);
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = options.Value.ApiKeyCacheEntries, CompactionPercentage = 0.2 });
    private long _databaseLookups;

    /// <summary>Lookups that went to the database (cache misses), since start.</summary>
    public long DatabaseLookups => Interlocked.Read(ref _databaseLookups);

    public long CachedEntries => _cache.Count;

    public async Task<ApiKeyRecord?> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(keyId, out ApiKeyRecord? cached))
        {
            return cached;
        }

        Interlocked.Increment(ref _databaseLookups);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var record = await db.ApiKeys.AsNoTracking()
            .Where(key => key.Id == keyId)
            .Select(key => new ApiKeyRecord(key.Scope, key.SecretHash, key.RateLimitPerMinute, key.RevokedAt != null, key.ExpiresAt))
            .SingleOrDefaultAsync(cancellationToken);

        var duration = options.Value.ApiKeyCacheDuration;
        if (duration > TimeSpan.Zero)
        {
            _cache.Set(keyId, record, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = duration });
        }

        return record;
    }

    public void Forget(string keyId) => _cache.Remove(keyId);

    public void Dispose() => _cache.Dispose();

    /// <summary>Records that a key was used, writing at most once a minute per key (per instance, and guarded in SQL).</summary>
    public async Task TouchAsync(string keyId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (_lastTouched.TryGetValue(keyId, out var last) && now - last < TouchInterval)
        {
            return;
        }

        _lastTouched[keyId] = now;
        var threshold = now - TouchInterval;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
            await db.ApiKeys
                .Where(key => key.Id == keyId && (key.LastUsedAt == null || key.LastUsedAt < threshold))
                .ExecuteUpdateAsync(setters => setters.SetProperty(key => key.LastUsedAt, now), cancellationToken);
        }
        catch (DbException exception)
        {
            // Bookkeeping only: a failed write must not fail the caller's request.
            logger.LogWarning(exception, "Could not record the use of API key {KeyId}", keyId);
        }
    }
}
