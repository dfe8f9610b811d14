using PartnerMesh.Redis;

namespace PartnerMesh.Testing;

public static class RedisReadiness
{
    /// <summary>
    /// Connecting to Redis never holds up a request, so a test could otherwise start on a service's no-Redis fallback:
    /// waits for the first connection attempt and, when Redis is <paramref name="reachable"/>, for the connection.
    /// </summary>
    public static async Task WhenReadyAsync(this RedisConnection redis, bool reachable = true)
    {
        ArgumentNullException.ThrowIfNull(redis);
        await redis.WhenFirstAttemptFinishedAsync();
        if (reachable)
        {
            await Eventually.UntilAsync(() => Task.FromResult(redis.IsConnected), TimeSpan.FromSeconds(30), "the connection to Redis");
        }
    }
}
