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
        Assert.Contains("admin", gateway.KeyScopes.Where(scope => scope == "admin").Skip(1)); // its own polling key
    }

    [Fact]
    public async Task Measure_KpiNeverVisible_CountsTimeoutsAndExitsWith3()
    {
        var gateway = new FakeGateway { KpiDelay = TimeSpan.FromHours(1) };

        var (exitCode, output, _) = await MeasureAsync(gateway, Options(orders: 1) with
        {
            Warmup = 0, VisibilityTimeout = TimeSpan.FromMilliseconds(200),
        });

        Assert.Equal(3, exitCode);
        var orderRow = output.Split(Environment.NewLine).Single(line => line.StartsWith($"| {OrderToKpiMeasurement.OrderToKpi}", StringComparison.Ordinal));
        var cells = orderRow.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("0", cells[1]);
        Assert.Equal("1", cells[2]);
    }
}
