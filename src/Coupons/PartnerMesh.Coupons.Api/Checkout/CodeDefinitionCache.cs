using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Data;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.Redis;
using PartnerMesh.ServiceDefaults;
using StackExchange.Redis;

namespace PartnerMesh.Coupons.Api.Checkout;

/// <summary>
/// A code as shoppers see it, with its campaign and, for a partner code, its partner's status as attribution last reported
/// it (null: active, never changed; <see cref="PartnerStanding"/>).
/// </summary>
public sealed record CodeDefinition(CouponCode Code, Campaign Campaign, string? PartnerStatus = null);

/// <summary>
/// Code definitions (the code and its campaign) for <b>validation only</b>, so a validation costs one primary-key read
/// of the counters instead of two queries. Reservations and redemptions always read the code from PostgreSQL: they are
/// the enforcement points, validation is advisory. A campaign changes when it is edited (<c>CampaignService.UpdateAsync</c>);
/// a code when it is rotated (retired) or its partner's status changes (<c>RecordPartnerStatusConsumer</c>), which clears this cache here
/// and, through Redis, on every instance (<see cref="CodeChangeNotifier"/>).
/// Entries also expire after <see cref="CouponsOptions.CodeCacheTtl"/>, the bound on staleness if a message is lost (the
/// cache is off while the instance is not subscribed). Only
/// known codes are cached: an unknown code is looked up every time, so a code created a moment ago is never "unknown".
/// </summary>
public sealed class CodeDefinitionCache(TimeProvider timeProvider, IOptions<CouponsOptions> options)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _generation;
    private volatile bool _enabled;

    /// <summary>Set while this instance hears of changes (<see cref="CodeChangeListener"/>); otherwise nothing is cached.</summary>
    public bool Enabled
    {
        get => _enabled;
        set
        {
            _enabled = value;
            if (!value)
            {
                Clear();
            }
        }
    }

    /// <summary>Changes with every <see cref="Clear"/>: read it before loading a definition and pass it to <see cref="Set"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet(string code, out CodeDefinition definition)
    {
        if (_enabled && _entries.TryGetValue(code, out var entry) && entry.ExpiresAt > timeProvider.GetUtcNow())
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
        if (!_enabled || ttl <= TimeSpan.Zero)
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

/// <summary>
/// Clears this instance's <see cref="CodeDefinitionCache"/> when another instance changes a code. The cache is used only
/// once the subscription is in place (until then validations read the database); a failed subscription is retried.
/// </summary>
public sealed partial class CodeChangeListener(CodeDefinitionCache cache, CodeChangeNotifier notifier, RedisConnection redis, ILogger<CodeChangeListener> logger)
    : BackgroundService
{
    /// <summary>A start-up shares two cores with a dozen processes: a subscription that times out then is retried quietly.</summary>
    private static readonly TimeSpan StartupGrace = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            ChannelMessageQueue? queue = null;
            try
            {
                var subscriber = await redis.GetSubscriberAsync(stoppingToken);
                queue = await subscriber.SubscribeAsync(notifier.Channel);
                // Changes made while not subscribed were not heard of: start from an empty cache.
                cache.Clear();
                cache.Enabled = true;
                delay = TimeSpan.FromSeconds(1);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await queue.ReadAsync(stoppingToken);
                    cache.Clear();
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
            {
                return;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                cache.Enabled = false;
                if (Stopwatch.GetElapsedTime(startedAt) < StartupGrace)
                {
                    LogNotSubscribedYet(logger, exception.Message, delay);
                }
                else
                {
                    LogNotSubscribed(logger, exception, delay);
                }

                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
            finally
            {
                await queue.UnsubscribeQuietlyAsync(logger);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No code-change notifications from Redis; validations read codes from the database, retrying in {Delay}")]
    private static partial void LogNotSubscribed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Not yet subscribed to code-change notifications ({Reason}); validations read codes from the database, retrying in {Delay}")]
    private static partial void LogNotSubscribedYet(ILogger logger, string reason, TimeSpan delay);
}
