using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace PartnerMesh.Redis;

public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="RedisConnection"/> to <c>ConnectionStrings:{connectionName}</c> (required) and a
    /// <c>redis</c> health check that reports <paramref name="failureStatus"/> while Redis is unreachable: Degraded by
    /// default, because the services using it keep working without it. Connecting starts with the host (one-off
    /// command-line steps that never start the host never connect).
    /// </summary>
    public static IHostApplicationBuilder AddRedisConnection(
        this IHostApplicationBuilder builder, string connectionName, HealthStatus failureStatus = HealthStatus.Degraded)
    {
        var connectionString = builder.Configuration.GetRequiredConnectionString(connectionName);
        builder.Services.AddSingleton(_ => new RedisConnection(connectionString));
        builder.Services.AddHostedService<RedisConnectionStarter>();
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", failureStatus);
        return builder;
    }

    /// <summary>
    /// Registers the shared <see cref="ContactFrequency.ContactFrequencyRecord"/> (section <c>ContactFrequency</c>) on the
    /// service's Redis connection; call after <see cref="AddRedisConnection"/>.
    /// </summary>
    public static IHostApplicationBuilder AddContactFrequencyRecord(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ContactFrequency.ContactFrequencyOptions>()
            .BindConfiguration(ContactFrequency.ContactFrequencyOptions.SectionName)
            .Validate(options => options.GlobalCooldown >= TimeSpan.Zero && options.Retention > TimeSpan.Zero, "ContactFrequency: cooldown and retention must be positive.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ContactFrequency.ContactFrequencyRecord>();
        return builder;
    }
}

/// <summary>Starts connecting when the host starts, so the first requests find Redis ready; never waits for it.</summary>
internal sealed class RedisConnectionStarter(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Creating the connection starts connecting.
        services.GetRequiredService<RedisConnection>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
