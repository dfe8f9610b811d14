using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>Every service exports traces, metrics and logs over OTLP, as it does to the dashboard under scripts/run.sh.</summary>
public sealed class TelemetryTests(SystemFixture system)
{
    [Fact]
    public async Task EveryService_ExportsTracesMetricsAndLogs()
    {
        var journeys = new Journeys(system);
        var partner = await journeys.CreatePartnerAsync();
        await journeys.FollowLinkAsync((await journeys.CreateLinkAsync(partner.Id)).Code);

        foreach (var service in SystemFixture.Services)
        {
            await Testing.Eventually.UntilAsync(
                () => Task.FromResult(system.Telemetry.SignalsFrom(service).IsSupersetOf(["traces", "metrics", "logs"])),
                TimeSpan.FromSeconds(45), because: $"{service} should export traces, metrics and logs");
        }
    }
}
