using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Redis;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;

namespace PartnerMesh.Attribution.FunctionalTests;

public class AttributionApiFactory : ServiceFactory<Program, AttributionDbContext>
{
    protected override string DatabaseResourceName => ResourceNames.AttributionDb;

    protected override string ServiceName => ResourceNames.AttributionApi;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Services.GetRequiredService<RedisConnection>().WhenReadyAsync(RedisReachable);
    }

    /// <summary>Whether this factory's Redis is the test run's (true) or deliberately unreachable.</summary>
    protected virtual bool RedisReachable => true;
}

/// <summary>The service with Redis unreachable (nothing listens on <see cref="TestPorts.Closed"/>): redirects must still work from PostgreSQL.</summary>
public sealed class AttributionApiWithoutRedisFactory : AttributionApiFactory
{
    protected override bool RedisReachable => false;

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings) =>
        settings[$"ConnectionStrings:{ResourceNames.Redis}"] = $"127.0.0.1:{TestPorts.Closed}";
}
