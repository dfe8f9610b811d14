using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>Analytics whose periodic concentration check runs once an hour: within a test only a revenue change can trigger one.</summary>
public sealed class HourlyConcentrationCheckApiFactory : ServiceFactory<Program, AnalyticsDbContext>
{
    protected override string DatabaseResourceName => ResourceNames.AnalyticsDb;

    protected override string ServiceName => ResourceNames.AnalyticsApi;

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        settings["Analytics:ConcentrationRisk:CheckInterval"] = "01:00:00";
        settings["Analytics:AggregationPollInterval"] = "00:00:00.100";
    }
}
