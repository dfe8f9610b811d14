using System.Net;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>Every service exports traces, metrics and logs over OTLP to the AppHost, as it does under scripts/run.sh.</summary>
public sealed class TelemetryTests(SystemFixture system)
{
    private static readonly string[] Services =
        ["attribution-api", "promotions-api", "coupons-api", "surveys-api", "analytics-api", "partner-portal-api", "gateway"];

    [Fact]
    public async Task EveryService_ExportsTracesMetricsAndLogs()
    {
        var journeys = new Journeys(system);
        var partner = await journeys.CreatePartnerAsync();
        await journeys.FollowLinkAsync((await journeys.CreateLinkAsync(partner.Id)).Code);

        foreach (var service in Services)
        {
            await Testing.Eventually.UntilAsync(() =>
            {
                var signals = system.App.GetResource(service).Telemetry.Where(t => t.Requests > 0).Select(t => t.Signal).ToHashSet();
                return Task.FromResult(signals.IsSupersetOf(["traces", "metrics", "logs"]));
            }, TimeSpan.FromSeconds(45), because: $"{service} should export traces, metrics and logs");
        }
    }

    [Fact]
    public async Task Dashboard_ListsEveryResource()
    {
        using var http = new HttpClient { BaseAddress = system.App.DashboardUrl };

        var response = await http.GetAsync("/api/resources", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.All(Services, service => Assert.Contains($"\"{service}\"", body, StringComparison.Ordinal));
    }
}
