using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Data;
using PartnerMesh.Redis;
using PartnerMesh.ServiceDefaults;
using StackExchange.Redis;

namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>A code as shoppers see it, with its campaign.</summary>
public sealed record CodeDefinition(CouponCode Code, Campaign Campaign);

/// <summary>
/// Code definitions (the code and its campaign) for <b>validation only</b>, so a validation costs one primary-key read
/// of the counters instead of two queries. Reservations and redemptions always read the code from PostgreSQL: they are
/// the enforcement points, validation is advisory. Campaigns never change once created; a code changes when it is
/// rotated (retired), which clears this cache here and, through Redis, on every instance (<see cref="CodeChangeNotifier"/>).
/// Entries also expire after <see cref="CouponsOptions.CodeCacheTtl"/>, the bound on staleness if a message is lost. Only
/// known codes are cached: an unknown code is looked up every time, so a code created a moment ago is never "unknown".
/// </summary>
public sealed class CodeDefinitionCache(TimeProvider timeProvider, IOptions<CouponsOptions> options)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>Changes with every <see cref="Clear"/>: read it before loading a definition and pass it to <see cref="Set"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet(string code, out CodeDefinition definition)
    {
        if (_entries.TryGetValue(code, out var entry) && entry.ExpiresAt > timeProvider.GetUtcNow())
        {
            definition = entry.Definition;
            return true;
        }

        definition = null!;
        return false;
    }

    /// <summary>Keeps a definition read while <paramref name="generation"/> was current, unless the cache was cleared since
    /// (the read may then predate the change that cleared it).</summary>
    public void Set(string code, CodeDefinition definition, long generation)
    {
        var ttl = options.Value.CodeCacheTtl;
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }

        if (_entries.Count >= options.Value.CodeCacheSize)
        {
            _entries.Clear();
        }

        _entries[code] = new Entry(definition, timeProvider.GetUtcNow() + ttl);
        if (Generation != generation)
        {
            _entries.TryRemove(code, out _);
        }
    }

    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    private sealed record Entry(CodeDefinition Definition, DateTimeOffset ExpiresAt);
}

/// <summary>After a change to a code commits: clear the cache here at once, and on the other instances through Redis.</summary>
public sealed class CodeChangeNotifier(CodeDefinitionCache cache, RedisConnection redis, IConfiguration configuration, ILogger<CodeChangeNotifier> logger)
{
    /// <summary>One channel per coupons database: the instances that share it, and nobody else (tests and systems may share a Redis).</summary>
    public RedisChannel Channel { get; } = RedisChannel.Literal("partnermesh:coupons:codes-changed:" + DatabaseOf(configuration));

    public async Task ChangedAsync(string code)
    {
        cache.Clear();
        try
        {
            await redis.GetDatabase().PublishAsync(Channel, code);
        }
        catch (RedisException exception)
        {
            logger.LogWarning(exception, "Code {Code} changed: Redis is unavailable, other instances' cached copies expire on their own", code);
        }
    }

    private static string DatabaseOf(IConfiguration configuration)
    {
        var builder = new NpgsqlConnectionStringBuilder(configuration.GetRequiredConnectionString(ResourceNames.CouponsDb));
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }
}

/// <summary>Clears this instance's <see cref="CodeDefinitionCache"/> when another instance changes a code.</summary>
public sealed class CodeChangeListener(CodeDefinitionCache cache, CodeChangeNotifier notifier, RedisConnection redis, ILogger<CodeChangeListener> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var subscriber = await redis.GetSubscriberAsync(stoppingToken);
            var queue = await subscriber.SubscribeAsync(notifier.Channel);
            stoppingToken.Register(() => queue.Unsubscribe());
            // Changes made while not subscribed are not heard of: start from an empty cache.
            cache.Clear();
            while (!stoppingToken.IsCancellationRequested)
            {
                await queue.ReadAsync(stoppingToken);
                cache.Clear();
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
        {
        }
        catch (Exception exception) when (exception is RedisException)
        {
            logger.LogWarning(exception, "No code-change notifications from Redis; cached code definitions expire on their own");
        }
    }
}
