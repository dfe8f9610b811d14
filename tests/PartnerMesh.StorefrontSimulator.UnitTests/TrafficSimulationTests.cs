using PartnerMesh.StorefrontSimulator.Cli;
using PartnerMesh.StorefrontSimulator.Gateway;
using PartnerMesh.StorefrontSimulator.Simulation;
using Xunit;

namespace PartnerMesh.StorefrontSimulator.UnitTests;

public class TrafficSimulationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SimulatorOptions Options(double seconds, int partners = 3) => new()
    {
        Gateway = new Uri("http://gateway.test/"),
        AdminKey = FakeGateway.AdminKey,
        ClicksPerSecond = 40,
        ConversionRate = 0.5,
        ReplayRate = 0.5,
        Partners = partners,
        Duration = TimeSpan.FromSeconds(seconds),
        Seed = 11,
    };

    private static async Task<(int ExitCode, TrafficSimulation Simulation, string Output, string Log)> RunAsync(
        FakeGateway gateway, SimulatorOptions options)
    {
        using var http = new HttpClient(gateway) { BaseAddress = options.Gateway };
        var output = new StringWriter();
        var log = new StringWriter();
        var simulation = new TrafficSimulation(options, new GatewayClient(http, TimeProvider.System), TimeProvider.System, output, log)
        {
            PortalAccountPatience = TimeSpan.FromSeconds(3),
        };
        var exitCode = await simulation.RunAsync(Ct, Ct);
        return (exitCode, simulation, output.ToString(), log.ToString());
    }

    [Fact]
    public async Task Run_AgainstWorkingGateway_ClicksOrdersAndReplaysWithoutErrors()
    {
        var gateway = new FakeGateway();

        var (exitCode, simulation, output, log) = await RunAsync(gateway, Options(seconds: 1.5));

        Assert.True(exitCode == 0, log);
        // 60 visits are scheduled; a stall of a second or more on a loaded machine drops the missed ones (by design).
        Assert.InRange(simulation.Counters.Clicks, 20, 70);
        Assert.True(simulation.Counters.Orders > 0, log);
        Assert.True(simulation.Counters.Replays > 0, log);
        Assert.Equal(simulation.Counters.Orders, simulation.Counters.Attributed);
        Assert.Equal(0, simulation.Errors.Total);
        Assert.Equal(simulation.Counters.Orders, gateway.ConversionCount);
        Assert.Equal(3, gateway.PartnerCount);
        Assert.Equal(3, gateway.PortalAccountCount);
        Assert.Equal(1, gateway.CreatedKeyCount);
        Assert.Equal(["admin"], gateway.KeyScopes); // the run's storefront key was revoked at the end
        Assert.Contains("| click ", output, StringComparison.Ordinal);
        Assert.Contains("| order replay ", output, StringComparison.Ordinal);
        Assert.Contains(TrafficSimulation.DemoPassword, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SecondTime_ReusesSimPartnersAndTheirLinks()
    {
        var gateway = new FakeGateway();
        for (var i = 0; i < 60; i++)
        {
            gateway.AddPartner($"other-{i}"); // more than one page of partners that are not the simulator's
        }

        await RunAsync(gateway, Options(seconds: 0.3, partners: 2));
        var linksAfterFirstRun = gateway.Requests.Count(r => r.StartsWith("POST", StringComparison.Ordinal) && r.EndsWith("/links", StringComparison.Ordinal));
        var (exitCode, _, _, log) = await RunAsync(gateway, Options(seconds: 0.3, partners: 3));

        Assert.True(exitCode == 0, log);
        Assert.Equal(63, gateway.PartnerCount);
        Assert.Contains("2 reused, 1 created", log, StringComparison.Ordinal);
        Assert.Contains("exists (password unchanged)", log, StringComparison.Ordinal);
        Assert.Equal(2, linksAfterFirstRun);
        Assert.Equal(3, gateway.Requests.Count(r => r.StartsWith("POST", StringComparison.Ordinal) && r.EndsWith("/links", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Run_WhenReplayGetsAnotherConversionId_CountsIdempotencyErrors()
    {
        var gateway = new FakeGateway { BreakIdempotency = true };

        var (exitCode, simulation, output, log) = await RunAsync(gateway, Options(seconds: 1.5));

        Assert.Equal(3, exitCode);
        Assert.Equal(0, simulation.Counters.Replays);
        Assert.Contains(simulation.Errors.ByKind, pair => pair.Key == "idempotency" && pair.Value > 0);
        Assert.Contains("idempotency", output, StringComparison.Ordinal);
        Assert.Contains("error [idempotency]", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WhenGatewayRefusesHighRateLimit_TriesLowerLimits()
    {
        var gateway = new FakeGateway { MaxRateLimit = 10_000 };

        var (exitCode, _, _, log) = await RunAsync(gateway, Options(seconds: 0.2));

        Assert.True(exitCode == 0, log);
        Assert.Equal([10_000], gateway.CreatedKeyLimits);
        Assert.Contains("trying a lower one", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WhenGatewayRefusesEveryLimit_UsesItsDefault()
    {
        var gateway = new FakeGateway { MaxRateLimit = 500 };

        var (exitCode, _, _, log) = await RunAsync(gateway, Options(seconds: 0.2));

        Assert.True(exitCode == 0, log);
        Assert.Equal([null], gateway.CreatedKeyLimits);
        Assert.Contains("using its default limit", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WhenPortalLearnsPartnersLate_RetriesAccountCreation()
    {
        var gateway = new FakeGateway { PortalLearnsPartnersAfter = TimeSpan.FromSeconds(1.5) };

        var (exitCode, _, _, log) = await RunAsync(gateway, Options(seconds: 0.2, partners: 2));

        Assert.True(exitCode == 0, log);
        Assert.Equal(2, gateway.PortalAccountCount);
        Assert.DoesNotContain("warning", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WhenPortalNeverLearnsPartners_WarnsAndStillDrivesTraffic()
    {
        var gateway = new FakeGateway { PortalLearnsPartnersAfter = TimeSpan.FromHours(1) };

        var (exitCode, simulation, _, log) = await RunAsync(gateway, Options(seconds: 0.5, partners: 1));

        Assert.True(exitCode == 0, log);
        Assert.Equal(0, gateway.PortalAccountCount);
        Assert.Contains("warning: no portal account", log, StringComparison.Ordinal);
        Assert.True(simulation.Counters.Clicks > 0);
    }

    [Fact]
    public async Task Run_WhenKeysCannotBeRevoked_WarnsOnly()
    {
        var gateway = new FakeGateway { SupportsRevoke = false };

        var (exitCode, _, _, log) = await RunAsync(gateway, Options(seconds: 0.2));

        Assert.True(exitCode == 0, log);
        Assert.Contains("warning: could not revoke the API key 'sim-storefront-", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithWrongAdminKey_FailsSetupWithAHint()
    {
        var gateway = new FakeGateway();

        var exception = await Assert.ThrowsAsync<SetupException>(() => RunAsync(gateway, Options(1) with { AdminKey = "pm_wrong" }));

        Assert.Contains("401", exception.Message, StringComparison.Ordinal);
        Assert.Contains("--api-key", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StoppedFromOutside_StopsAndPrintsSummary()
    {
        var gateway = new FakeGateway();
        using var http = new HttpClient(gateway) { BaseAddress = new Uri("http://gateway.test/") };
        var output = new StringWriter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var simulation = new TrafficSimulation(Options(1) with { Duration = null }, new GatewayClient(http, TimeProvider.System),
            TimeProvider.System, output, TextWriter.Null);

        var run = simulation.RunAsync(stop.Token, Ct);
        // Stopped once it has made clicks (or if the run ended by itself): polled with a deadline, not a guessed delay.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (simulation.Counters.Clicks == 0 && !run.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), Ct);
        }

        await stop.CancelAsync();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(15), Ct);

        Assert.Equal(0, exitCode);
        Assert.True(simulation.Counters.Clicks > 0);
        Assert.Equal(0, simulation.Counters.InFlight);
        Assert.Contains("### Storefront simulation", output.ToString(), StringComparison.Ordinal);
    }
}
