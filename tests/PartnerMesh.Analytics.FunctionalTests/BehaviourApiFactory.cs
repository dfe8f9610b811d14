using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// Analytics with a Berlin reporting time zone, events accepted up to ten years back (tests use fixed past dates), a
/// two-second cart idle time and fast sweeps.
/// </summary>
public sealed class BehaviourApiFactory : ServiceFactory<Program, AnalyticsDbContext>
{
    public const string TimeZone = "Europe/Berlin";

    protected override string DatabaseResourceName => ResourceNames.AnalyticsDb;

    protected override string ServiceName => ResourceNames.AnalyticsApi;

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        settings["Analytics:ReportingTimeZone"] = TimeZone;
        settings["Analytics:Ingestion:MaxEventAge"] = "3650.00:00:00";
        settings["Analytics:Ingestion:MaxEventsPerBatch"] = "500";
        settings["Analytics:CartAbandonment:IdleTime"] = "00:00:02";
        settings["Analytics:CartAbandonment:SweepInterval"] = "00:00:00.200";
        settings["Analytics:AggregationPollInterval"] = "00:00:00.100";
        settings["Analytics:ConcentrationRisk:CheckInterval"] = "00:00:00.500";
    }
}
