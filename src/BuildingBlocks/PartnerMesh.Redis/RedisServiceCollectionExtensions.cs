using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace PartnerMesh.Redis;

public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="RedisConnection"/> to <c>ConnectionStrings:{connectionName}</c> (required) and a
    /// <c>redis</c> health check that reports <paramref name="failureStatus"/> while Redis is unreachable: Degraded by
    /// default, because the services using it keep working without it.
    /// </summary>
    public static IHostApplicationBuilder AddRedisConnection(
        this IHostApplicationBuilder builder, string connectionName, HealthStatus failureStatus = HealthStatus.Degraded)
    {
        var connectionString = builder.Configuration.GetRequiredConnectionString(connectionName);
        builder.Services.AddSingleton(_ => new RedisConnection(connectionString));
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", failureStatus);
        return builder;
    }
}
