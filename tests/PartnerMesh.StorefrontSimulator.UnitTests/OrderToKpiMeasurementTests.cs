using PartnerMesh.StorefrontSimulator.Cli;
using PartnerMesh.StorefrontSimulator.Gateway;
using PartnerMesh.StorefrontSimulator.Measurement;
using Xunit;

namespace PartnerMesh.StorefrontSimulator.UnitTests;

public class OrderToKpiMeasurementTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(int ExitCode, string Output, string Log)> MeasureAsync(FakeGateway gateway, SimulatorOptions options)
    {
        using var http = new HttpClient(gateway) { BaseAddress = options.Gateway };
        var output = new StringWriter();
        var log = new StringWriter();
        var measurement = new OrderToKpiMeasurement(options, new GatewayClient(http, TimeProvider.System), TimeProvider.System, output, log);
        var exitCode = await measurement.RunAsync(Ct);
        return (exitCode, output.ToString(), log.ToString());
    }

    private static SimulatorOptions Options(int orders) => new()
    {
        Command = SimulatorCommand.Measure,
        Gateway = new Uri("http://gateway.test/"),
        AdminKey = FakeGateway.AdminKey,
        Orders = orders,
        Warmup = 1,
        PollInterval = TimeSpan.FromMilliseconds(5),
        VisibilityTimeout = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task Measure_WorkingSystem_PrintsTableWithLatenciesNearTheKpiDelay()
    {
        var gateway = new FakeGateway { KpiDelay = TimeSpan.FromMilliseconds(40) };

        var (exitCode, output, log) = await MeasureAsync(gateway, Options(orders: 5));

        Assert.True(exitCode == 0, log);
        Assert.Equal(6, gateway.PartnerCount); // one per sample, warm-up included
        Assert.Equal(6, gateway.ConversionCount);
        var orderRow = output.Split(Environment.NewLine).Single(line => line.StartsWith($"| {OrderToKpiMeasurement.OrderToKpi}", StringComparison.Ordinal));
        var cells = orderRow.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("5", cells[1]);
        Assert.Equal("0", cells[2]);
        var p50 = double.Parse(cells[3], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(p50, 40, 1_000);
        Assert.Contains($"| {OrderToKpiMeasurement.ClickToKpi}", output, StringComparison.Ordinal);
        Assert.Contains("| ---", output, StringComparison.Ordinal);
        Assert.Contains("Errors: 0", output, StringComparison.Ordinal);
        Assert.Equal(2, gateway.CreatedKeyCount); // a storefront key and an admin key for polling and set-up
        Assert.Equal(["admin"], gateway.KeyScopes); // both revoked at the end
    }

    [Fact]
    public async Task Measure_KpiNeverVisible_CountsTimeoutsAndExitsWith3()
    {
        var gateway = new FakeGateway { KpiDelay = TimeSpan.FromHours(1) };

        var (exitCode, output, _) = await MeasureAsync(gateway, Options(orders: 1) with
        {
            Warmup = 0,
            VisibilityTimeout = TimeSpan.FromMilliseconds(200),
        });

        Assert.Equal(3, exitCode);
        var orderRow = output.Split(Environment.NewLine).Single(line => line.StartsWith($"| {OrderToKpiMeasurement.OrderToKpi}", StringComparison.Ordinal));
        var cells = orderRow.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("0", cells[1]);
        Assert.Equal("1", cells[2]);
    }

    [Fact]
    public async Task Measure_SystemFailsMidRun_StillPrintsWhatWasMeasured()
    {
        var gateway = new FailingAfterPartners(new FakeGateway(), partnersAllowed: 3);
        using var http = new HttpClient(gateway) { BaseAddress = new Uri("http://gateway.test/") };
        var output = new StringWriter();
        var measurement = new OrderToKpiMeasurement(
            Options(orders: 5), new GatewayClient(http, TimeProvider.System), TimeProvider.System, output, TextWriter.Null);

        var exitCode = await measurement.RunAsync(Ct);

        Assert.Equal(3, exitCode);
        var orderRow = output.ToString().Split(Environment.NewLine)
            .Single(line => line.StartsWith($"| {OrderToKpiMeasurement.OrderToKpi}", StringComparison.Ordinal));
        Assert.Equal("2", orderRow.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)[1]);
        Assert.Contains("set-up: 1", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Lets <paramref name="partnersAllowed"/> partner creations through, then answers 503 to them.</summary>
    private sealed class FailingAfterPartners(FakeGateway inner, int partnersAllowed) : DelegatingHandler(inner)
    {
        private int _partners;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.TrimEnd('/') == "/api/attribution/partners"
                && Interlocked.Increment(ref _partners) > partnersAllowed
                ? Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable))
                : base.SendAsync(request, cancellationToken);
    }
}
