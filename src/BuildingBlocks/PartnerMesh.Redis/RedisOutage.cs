using StackExchange.Redis;

namespace PartnerMesh.Redis;

/// <summary>
/// What "Redis is unavailable" means to callers that can do without it, and a gate that lets them say so at most once a
/// minute: during an outage a hot path (every redirect, every rate-limited request) would otherwise log on every call.
/// </summary>
public sealed class RedisOutage(TimeProvider timeProvider)
{
    public static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);

    private long _lastWarningTicks = long.MinValue;

    /// <summary>Unreachable, not connected yet, or too slow (<c>RedisTimeoutException</c> is a <see cref="TimeoutException"/>).</summary>
    public static bool IsUnavailable(Exception exception) => exception is RedisException or TimeoutException;

    /// <summary>True for the first call and then at most once per <see cref="WarningInterval"/>, across threads.</summary>
    public bool ShouldWarn()
    {
        var now = timeProvider.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastWarningTicks);
        return (last == long.MinValue || now - last >= WarningInterval.Ticks)
            && Interlocked.CompareExchange(ref _lastWarningTicks, now, last) == last;
    }
}
