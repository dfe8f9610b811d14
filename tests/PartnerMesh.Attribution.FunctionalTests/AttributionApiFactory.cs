using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;

namespace PartnerMesh.Attribution.FunctionalTests;

public class AttributionApiFactory : ServiceFactory<Program, AttributionDbContext>
{
    protected override string DatabaseResourceName => ResourceNames.AttributionDb;
}

/// <summary>The service with Redis unreachable (nothing listens on port 1): redirects must still work from PostgreSQL.</summary>
public sealed class AttributionApiWithoutRedisFactory : AttributionApiFactory
{
    protected override void ConfigureTestSettings(IDictionary<string, string?> settings) =>
        settings[$"ConnectionStrings:{ResourceNames.Redis}"] = "127.0.0.1:1";
}
