using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace PartnerMesh.ServiceDefaults.Tests;

/// <summary>Health is logged when a check changes status, not on every probe.</summary>
public sealed class HealthTransitionLoggingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StatusChanges_AreLoggedOnce_AndProbesLogNothing()
    {
        var status = HealthStatus.Unhealthy;
        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        builder.AddDefaultHealthChecks();
        builder.Services.AddHealthChecks().AddCheck("bus", () => new HealthCheckResult(status, "bus state"));
        using var host = builder.Build();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var publisher = host.Services.GetServices<IHealthCheckPublisher>().Single();

        async Task ProbeAndPublishAsync() => await publisher.PublishAsync(await health.CheckHealthAsync(Ct), Ct);

        await ProbeAndPublishAsync();
        await ProbeAndPublishAsync();
        status = HealthStatus.Healthy;
        await ProbeAndPublishAsync();
        await ProbeAndPublishAsync();
        status = HealthStatus.Degraded;
        await ProbeAndPublishAsync();

        Assert.DoesNotContain(logs.Entries, entry => entry.Category.EndsWith("DefaultHealthCheckService", StringComparison.Ordinal));
        Assert.Equal(
            [
                (LogLevel.Error, "Health check bus: unknown → Unhealthy bus state"),
                (LogLevel.Information, "Health check bus: Unhealthy → Healthy bus state"),
                (LogLevel.Warning, "Health check bus: Healthy → Degraded bus state"),
            ],
            logs.Entries.Where(entry => entry.Category.EndsWith("HealthTransitionPublisher", StringComparison.Ordinal))
                .Select(entry => (entry.Level, entry.Message)));
    }

    [Fact]
    public async Task HealthyFromTheFirstReport_LogsNothing()
    {
        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.AddDefaultHealthChecks();
        using var host = builder.Build();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var publisher = host.Services.GetServices<IHealthCheckPublisher>().Single();

        await publisher.PublishAsync(await health.CheckHealthAsync(Ct), Ct);

        Assert.DoesNotContain(logs.Entries, entry => entry.Category.EndsWith("HealthTransitionPublisher", StringComparison.Ordinal));
    }

    private sealed record LogEntry(string Category, LogLevel Level, string Message);

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<LogEntry> _entries = new();

        public IReadOnlyList<LogEntry> Entries => [.. _entries];

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class CapturingLogger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception)));
        }
    }
}
