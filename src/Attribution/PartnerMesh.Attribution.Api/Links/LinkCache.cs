using System.Text.Json;
using System.Text.Json.Serialization;
using PartnerMesh.Redis;
using StackExchange.Redis;

namespace PartnerMesh.Attribution.Api.Links;

/// <summary>What the redirect needs to know about a link; the value cached under <c>attribution:link:{code}</c>.</summary>
/// <remarks><see cref="PartnerInactive"/> defaults to false so entries cached before it existed still read as usable.</remarks>
public sealed record CachedLink(Guid Id, Guid PartnerId, string Code, string TargetUrl, bool Active, Guid? ProgramId = null, bool PartnerInactive = false)
{
    public static CachedLink From(ReferralLink link, Guid? programId, bool partnerInactive) =>
        new(link.Id, link.PartnerId, link.Code, link.TargetUrl, link.Active, programId, partnerInactive);
}

[JsonSerializable(typeof(CachedLink))]
internal sealed partial class LinkCacheSerializationContext : JsonSerializerContext;

/// <summary>
/// Redis cache of code → link in front of PostgreSQL, which stays the system of record. Every Redis failure is logged
/// and treated as a miss, so the redirect keeps working from PostgreSQL while Redis is down.
/// </summary>
/// <remarks>
/// Fills after a miss use SET NX and changes overwrite: a fill that read the old row before a change committed can
/// then never put the old value back over the new one.
/// </remarks>
public sealed partial class LinkCache(RedisConnection redis, TimeProvider timeProvider, ILogger<LinkCache> logger)
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(5);

    private readonly RedisOutage _outage = new(timeProvider);

    public static RedisKey KeyFor(string code) => $"attribution:link:{code}";

    public async Task<CachedLink?> GetAsync(string code)
    {
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(KeyFor(code));
            return value.IsNullOrEmpty
                ? null
                : JsonSerializer.Deserialize((string)value!, LinkCacheSerializationContext.Default.CachedLink);
        }
        catch (Exception exception) when (IsCacheFailure(exception))
        {
            LogFailure(exception, "read");
            return null;
        }
    }

    /// <summary>Fills the cache after a miss, unless a newer value is already there.</summary>
    public Task AddAsync(CachedLink link) => SetAsync(link, When.NotExists, "fill");

    /// <summary>Writes the committed state of a changed link over whatever is cached.</summary>
    public Task ReplaceAsync(CachedLink link) => SetAsync(link, When.Always, "replace");

    public async Task RemoveAsync(string code)
    {
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(KeyFor(code));
        }
        catch (Exception exception) when (IsCacheFailure(exception))
        {
            LogFailure(exception, "remove");
        }
    }

    private async Task SetAsync(CachedLink link, When when, string operation)
    {
        try
        {
            var json = JsonSerializer.Serialize(link, LinkCacheSerializationContext.Default.CachedLink);
            await redis.GetDatabase().StringSetAsync(KeyFor(link.Code), json, TimeToLive, when);
        }
        catch (Exception exception) when (IsCacheFailure(exception))
        {
            LogFailure(exception, operation);
        }
    }

    // A corrupt entry is a miss too.
    private static bool IsCacheFailure(Exception exception) =>
        RedisOutage.IsUnavailable(exception) || exception is JsonException or ObjectDisposedException;

    /// <summary>
    /// A failed read or fill only costs a PostgreSQL read, so during an outage it is reported once a minute; a failed
    /// replace or remove leaves a stale entry for up to <see cref="TimeToLive"/>, so each one is reported.
    /// </summary>
    private void LogFailure(Exception exception, string operation)
    {
        if (operation is "replace" or "remove" || !RedisOutage.IsUnavailable(exception) || _outage.ShouldWarn())
        {
            LogCacheUnavailable(logger, exception, operation);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis link cache {Operation} failed; serving from PostgreSQL")]
    private static partial void LogCacheUnavailable(ILogger logger, Exception exception, string operation);
}
