using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// Analytics as <see cref="BehaviourApiFactory"/>, with frequent buyers from the second order: a first-time buyer's next
/// order moves them into another segment (not into none).
/// </summary>
public sealed class SegmentApiFactory : ServiceFactory<Program, AnalyticsDbContext>
{
    protected override string DatabaseResourceName => ResourceNames.AnalyticsDb;

    protected override string ServiceName => ResourceNames.AnalyticsApi;

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        settings["Analytics:ReportingTimeZone"] = BehaviourApiFactory.TimeZone;
        settings["Analytics:Ingestion:MaxEventAge"] = "3650.00:00:00";
        settings["Analytics:AggregationPollInterval"] = "00:00:00.100";
        settings["Analytics:Segments:FrequentBuyerMinOrders"] = "2";
    }
}
