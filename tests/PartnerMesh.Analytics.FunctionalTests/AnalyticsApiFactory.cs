using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;

namespace PartnerMesh.Analytics.FunctionalTests;

public sealed class AnalyticsApiFactory : ServiceFactory<Program, AnalyticsDbContext>
{
    protected override string DatabaseResourceName => ResourceNames.AnalyticsDb;

    protected override string ServiceName => ResourceNames.AnalyticsApi;
}
