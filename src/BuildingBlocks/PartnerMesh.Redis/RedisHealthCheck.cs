using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PartnerMesh.Redis;

/// <summary>PING over the shared connection; never waits for a connection that is still being opened.</summary>
internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (redis.IsConnecting)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis: connecting.");
        }

        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"Redis: PING {latency.TotalMilliseconds:0.0} ms.");
        }
        catch (Exception exception) when (RedisOutage.IsUnavailable(exception))
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis: unreachable.", exception);
        }
    }
}
