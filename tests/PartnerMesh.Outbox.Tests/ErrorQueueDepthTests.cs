using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PartnerMesh.Messaging;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Outbox.Tests;

/// <summary>
/// The error- and skipped-queue gauges of a host wired as services are (real RabbitMQ, the service's retries): a message
/// its consumer fails on, or one no consumer of the endpoint handles, shows up as a depth of 1 for that queue.
/// </summary>
public sealed class ErrorQueueDepthTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private IHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var infrastructure = await TestInfrastructure.GetAsync();
        _host = await StartHostAsync(await infrastructure.CreateVirtualHostAsync("errorqueues"));
        await _host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task MessageTheConsumerFailsOn_IsCountedInItsErrorQueue()
    {
        using var gauges = new MeasurementRecorder(_host.Services, ErrorQueueMetrics.MeterName);
        var queue = _host.Services.GetRequiredService<IEndpointNameFormatter>().Consumer<FailingProbeConsumer>();
        Assert.Equal([queue], _host.Services.GetRequiredService<ReceiveEndpointQueues>().Names);

        // MassTransit creates the _error queue only when it first moves a message there: until then the depth is 0.
        await WaitForDepthAsync(gauges, ErrorQueueMetrics.ErrorQueueDepthInstrument, $"{queue}_error", 0);

        await _host.Services.GetRequiredService<IBus>().Publish(new ErrorQueueProbe(Guid.NewGuid()), Ct);

        // The service's retries take about 7 s before the message is moved.
        await WaitForDepthAsync(gauges, ErrorQueueMetrics.ErrorQueueDepthInstrument, $"{queue}_error", 1, TimeSpan.FromSeconds(60));
        Assert.Equal(0, LatestDepth(gauges, ErrorQueueMetrics.SkippedQueueDepthInstrument, $"{queue}_skipped"));
        Assert.All(gauges.Measurements, m => Assert.StartsWith(queue + "_", (string)m.Tags[ErrorQueueMetrics.QueueTag]!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MessageNoConsumerHandles_IsCountedInItsSkippedQueue()
    {
        using var gauges = new MeasurementRecorder(_host.Services, ErrorQueueMetrics.MeterName);
        var queue = _host.Services.GetRequiredService<IEndpointNameFormatter>().Consumer<FailingProbeConsumer>();

        var endpoint = await _host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{queue}"));
        await endpoint.Send(new UnhandledProbe(Guid.NewGuid()), Ct);

        await WaitForDepthAsync(gauges, ErrorQueueMetrics.SkippedQueueDepthInstrument, $"{queue}_skipped", 1);
        Assert.Equal(0, LatestDepth(gauges, ErrorQueueMetrics.ErrorQueueDepthInstrument, $"{queue}_error"));
    }

    [Fact]
    public async Task UnreachableBroker_WarnsOnce_AndTheServiceKeepsRunning()
    {
        using var unreachable = await StartHostAsync(new Uri($"amqp://partnermesh:partnermesh-test@127.0.0.1:{ClosedPort()}/"));
        using var gauges = new MeasurementRecorder(unreachable.Services, ErrorQueueMetrics.MeterName);
        try
        {
            // A warning for the first failure, Debug for the ones after it: at least two refreshes have failed.
            await Eventually.UntilAsync(
                () => Task.FromResult(ReporterLogs().Any(entry => entry.Level == LogLevel.Debug && entry.Message.Contains("still fails", StringComparison.Ordinal))),
                because: "the reporter should keep retrying");

            Assert.Single(ReporterLogs(), entry => entry.Level == LogLevel.Warning);
            gauges.RecordObservableInstruments();
            Assert.Empty(gauges.Measurements);
            var reporter = unreachable.Services.GetServices<IHostedService>().OfType<BackgroundService>()
                .Single(service => service.GetType().Name == "ErrorQueueDepthReporter");
            Assert.False(reporter.ExecuteTask!.IsCompleted);
        }
        finally
        {
            await unreachable.StopAsync(CancellationToken.None);
        }
    }

    private async Task<IHost> StartHostAsync(Uri messaging)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration[$"ConnectionStrings:{ResourceNames.Messaging}"] = messaging.ToString();
        builder.Configuration[$"{ErrorQueueOptions.SectionName}:{nameof(ErrorQueueOptions.Interval)}"] = "00:00:00.200";
        builder.Logging.AddProvider(_logs);
        builder.Logging.AddFilter<CapturingLoggerProvider>("PartnerMesh.Messaging", LogLevel.Debug);
        builder.AddPartnerMeshMessaging(ResourceNames.Messaging, bus => bus.AddConsumer<FailingProbeConsumer>());
        var host = builder.Build();
        await host.StartAsync(Ct);
        return host;
    }

    private List<CapturedLog> ReporterLogs() =>
        [.. _logs.Entries.Where(entry => entry.Category.EndsWith(".ErrorQueueDepthReporter", StringComparison.Ordinal))];

    private static Task WaitForDepthAsync(MeasurementRecorder gauges, string instrument, string queue, long depth, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(
            () =>
            {
                gauges.RecordObservableInstruments();
                return Task.FromResult(LatestDepth(gauges, instrument, queue) == depth);
            },
            timeout,
            $"{instrument} should report {depth} for {queue}");

    private static double? LatestDepth(MeasurementRecorder gauges, string instrument, string queue) =>
        gauges.ValuesTagged(ErrorQueueMetrics.QueueTag, queue, instrument).Select(value => (double?)value).LastOrDefault();

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record CapturedLog(string Category, LogLevel Level, string Message);

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<CapturedLog> _entries = new();

        public IReadOnlyList<CapturedLog> Entries => [.. _entries];

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class CapturingLogger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception)));
        }
    }
}

public sealed record ErrorQueueProbe(Guid Id);

public sealed record UnhandledProbe(Guid Id);

/// <summary>A consumer that fails on every message, so after the service's retries MassTransit moves it to <c>_error</c>.</summary>
public sealed class FailingProbeConsumer : IConsumer<ErrorQueueProbe>
{
    public Task Consume(ConsumeContext<ErrorQueueProbe> context) =>
        throw new InvalidOperationException($"Probe {context.Message.Id} fails on purpose.");
}
