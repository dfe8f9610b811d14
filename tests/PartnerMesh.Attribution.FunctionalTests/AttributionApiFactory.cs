using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Redis;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;

namespace PartnerMesh.Attribution.FunctionalTests;

public class AttributionApiFactory : ServiceFactory<Program, AttributionDbContext>
{
    protected override string DatabaseResourceName => ResourceNames.AttributionDb;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        // Connecting to Redis never holds up a request, so a test could otherwise start before the cache is in use.
        await Services.GetRequiredService<RedisConnection>().WhenFirstAttemptFinishedAsync();
    }
}

/// <summary>The service with Redis unreachable (nothing listens on <see cref="TestPorts.Closed"/>): redirects must still work from PostgreSQL.</summary>
public sealed class AttributionApiWithoutRedisFactory : AttributionApiFactory
{
    protected override void ConfigureTestSettings(IDictionary<string, string?> settings) =>
        settings[$"ConnectionStrings:{ResourceNames.Redis}"] = $"127.0.0.1:{TestPorts.Closed}";
}
