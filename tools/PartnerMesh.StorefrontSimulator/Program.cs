using System.Runtime.InteropServices;
using PartnerMesh.StorefrontSimulator.Cli;
using PartnerMesh.StorefrontSimulator.Gateway;
using PartnerMesh.StorefrontSimulator.Measurement;
using PartnerMesh.StorefrontSimulator.Simulation;

var parsed = CommandLine.Parse(args, Environment.GetEnvironmentVariable);
if (parsed.ShowHelp)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

if (parsed.Options is not { } options)
{
    await Console.Error.WriteLineAsync($"error: {parsed.Error}{Environment.NewLine}{Environment.NewLine}{CommandLine.Usage}");
    return 2;
}

// First Ctrl+C (or SIGTERM): stop starting new work and print the summary; second Ctrl+C: abort what is under way.
using var stop = new CancellationTokenSource();
using var abort = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    if (!stop.IsCancellationRequested)
    {
        stop.Cancel();
    }
    else
    {
        abort.Cancel();
    }
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

var log = Console.Error;
using var http = GatewayClient.CreateHttpClient(options.Gateway);
var client = new GatewayClient(http, TimeProvider.System);
try
{
    return options.Command switch
    {
        SimulatorCommand.Measure => await new OrderToKpiMeasurement(options, client, TimeProvider.System, Console.Out, log).RunAsync(stop.Token),
        _ => await new TrafficSimulation(options, client, TimeProvider.System, Console.Out, log).RunAsync(stop.Token, abort.Token),
    };
}
catch (SetupException exception)
{
    await log.WriteLineAsync($"set-up failed: {exception.Message}");
    return 1;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    await log.WriteLineAsync("stopped during set-up");
    return 1;
}
