using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>Analytics reporting in UTC on a clock tests can move (<see cref="ShiftedTimeProvider"/>).</summary>
public class ShiftedClockApiFactory : ServiceFactory<Program, AnalyticsDbContext>
{
    public ShiftedTimeProvider Clock { get; } = new();

    protected override string DatabaseResourceName => ResourceNames.AnalyticsDb;

    protected override string ServiceName => ResourceNames.AnalyticsApi;

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        settings["Analytics:AggregationPollInterval"] = "00:00:00.100";
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>Partners see the current week's survey figures as it fills (<c>Analytics:PartnerSurveys:EndedWeeksOnly</c> off).</summary>
public sealed class LiveSurveyWeeksApiFactory : ShiftedClockApiFactory
{
    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureTestSettings(settings);
        settings["Analytics:PartnerSurveys:EndedWeeksOnly"] = "false";
    }
}
