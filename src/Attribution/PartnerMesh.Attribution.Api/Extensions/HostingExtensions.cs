using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Messaging;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults;
using StackExchange.Redis;

namespace PartnerMesh.Attribution.Api.Extensions;

public static class HostingExtensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetRequiredConnectionString(ResourceNames.AttributionDb);
        var redisConnectionString = builder.Configuration.GetRequiredConnectionString(ResourceNames.Redis);

        builder.Services.AddDbContext<AttributionDbContext>((services, options) =>
            options.UseNpgsql(connectionString).UseOutboxSignal(services));
        builder.Services.AddOutbox<AttributionDbContext>();
        builder.AddPartnerMeshMessaging(ResourceNames.Messaging);

        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(CacheOptions(redisConnectionString)));
        builder.Services.AddSingleton<LinkCache>();
        builder.Services.AddScoped<LinkResolver>();
        builder.Services.AddScoped<ClickRecorder>();
        builder.Services.AddScoped<ConversionService>();
        builder.Services.AddSingleton<AttributionMetrics>();
        builder.Services.AddOptions<AttributionOptions>()
            .BindConfiguration(nameof(AttributionOptions))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Redis is only the link cache (redirects fall back to PostgreSQL): losing it degrades the service, never takes it down.
        builder.Services.AddHealthChecks()
            .AddNpgSql(connectionString)
            .AddRedis(services => services.GetRequiredService<IConnectionMultiplexer>(), failureStatus: HealthStatus.Degraded);
        return builder;
    }

    /// <summary>
    /// Redis is only a cache here: never wait for it. Without a connection, commands fail at once instead of queueing
    /// (the default backlog would hold every redirect for the full timeout), and the redirect reads PostgreSQL.
    /// </summary>
    private static ConfigurationOptions CacheOptions(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = 2_000;
        options.AsyncTimeout = 1_000;
        options.SyncTimeout = 1_000;
        return options;
    }
}
