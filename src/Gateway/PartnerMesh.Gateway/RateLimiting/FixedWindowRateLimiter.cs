using PartnerMesh.Redis;
using StackExchange.Redis;

namespace PartnerMesh.Gateway.RateLimiting;

/// <summary>
/// Fixed 60-second windows counted in Redis (<c>gateway:ratelimit:{partition}:{windowStart}</c>, INCR and EXPIRE in one
/// script), so every gateway instance shares the same counts. When Redis cannot be reached the limiter fails open to
/// per-instance in-memory counters and logs a warning: a Redis outage must not take the whole API down, and the
/// in-memory window still bounds each instance.
/// </summary>
public sealed class FixedWindowRateLimiter(
    RedisConnection redis,
    InMemoryWindowCounter fallback,
    TimeProvider timeProvider,
    ILogger<FixedWindowRateLimiter> logger)
{
    public const int WindowSeconds = 60;
    public const string KeyPrefix = "gateway:ratelimit:";

    // The key outlives its window a little so a late INCR never lands on a key without a TTL.
    private const string IncrementScript = """
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then
          redis.call('EXPIRE', KEYS[1], ARGV[1])
        end
        return count
        """;

    private readonly RedisOutage _outage = new(timeProvider);

    /// <summary>
    /// Counts one request for <paramref name="partition"/> (a key id, <c>ip:&lt;address&gt;</c>, or
    /// <c>signin:&lt;address&gt;</c> for sign-in attempts).
    /// </summary>
    public async Task<RateLimitDecision> AcquireAsync(string partition, int limit)
    {
        var now = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var windowStart = now - (now % WindowSeconds);
        var resetSeconds = (int)(windowStart + WindowSeconds - now);
        var key = $"{KeyPrefix}{partition}:{windowStart}";

        long count;
        try
        {
            var result = await redis.GetDatabase().ScriptEvaluateAsync(
                IncrementScript, [new RedisKey(key)], [WindowSeconds * 2]);
            count = (long)result;
        }
        catch (Exception exception) when (RedisOutage.IsUnavailable(exception))
        {
            if (_outage.ShouldWarn())
            {
                logger.LogWarning(exception,
                    "Redis is unreachable: rate limits are counted per gateway instance in memory until it is back (fail open)");
            }

            count = fallback.Increment(partition, windowStart);
        }

        return new RateLimitDecision(limit, count, resetSeconds);
    }
}
