using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace PartnerMesh.ServiceDefaults.Tests;

/// <summary>Health is logged when a check changes status, not on every probe, and not while a service is starting.</summary>
public sealed class HealthTransitionLoggingTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CapturingLoggerProvider _logs = new();
    private HealthStatus _status = HealthStatus.Unhealthy;
    private string _description = "not started";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task AfterStartUp_StatusChangesAreLoggedOnce_AndProbesLogNothingElse()
    {
        using var host = BuildHost();
        _time.Advance(HealthTransitionPublisher.StartupGrace);

        await ProbeAsync(host);
        await ProbeAsync(host);
        _status = HealthStatus.Healthy;
        _description = "ready";
        await ProbeAsync(host);
        await ProbeAsync(host);
        _status = HealthStatus.Degraded;
        _description = "slow";
        await ProbeAsync(host);

        Assert.DoesNotContain(_logs.Entries, entry => entry.Category.EndsWith("DefaultHealthCheckService", StringComparison.Ordinal));
        Assert.Equal(
            [
                (LogLevel.Error, "Health check bus: unknown → Unhealthy not started"),
                (LogLevel.Information, "Health check bus: Unhealthy → Healthy ready"),
                (LogLevel.Warning, "Health check bus: Healthy → Degraded slow"),
            ],
            Transitions());
    }

    [Fact]
    public async Task DuringStartUp_NotReadyYetIsNotLogged_ButAFailureAfterBeingHealthyIs()
    {
        using var host = BuildHost();

        await ProbeAsync(host);
        _status = HealthStatus.Healthy;
        await ProbeAsync(host);
        _status = HealthStatus.Unhealthy;
        _description = "connection lost";
        await ProbeAsync(host);

        Assert.Equal([(LogLevel.Error, "Health check bus: Healthy → Unhealthy connection lost")], Transitions());
    }

    [Fact]
    public async Task NotReadyBeyondTheGracePeriod_IsLogged()
    {
        using var host = BuildHost();
        await ProbeAsync(host);

        _time.Advance(HealthTransitionPublisher.StartupGrace);
        await ProbeAsync(host);

        Assert.Equal([(LogLevel.Error, "Health check bus: unknown → Unhealthy not started")], Transitions());
    }

    [Fact]
    public async Task WhileUnhealthy_ANewCauseIsLoggedAgain()
    {
        using var host = BuildHost();
        _time.Advance(HealthTransitionPublisher.StartupGrace);

        await ProbeAsync(host);
        _description = "authentication failed";
        await ProbeAsync(host);
        await ProbeAsync(host);

        Assert.Equal(
            [
                (LogLevel.Error, "Health check bus: unknown → Unhealthy not started"),
                (LogLevel.Error, "Health check bus: Unhealthy → Unhealthy authentication failed"),
            ],
            Transitions());
    }

    [Fact]
    public async Task HealthEndpointProbes_FeedTheLog_AndStillAnswerTheStatus()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        Configure(builder);
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync(Ct);
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        _time.Advance(HealthTransitionPublisher.StartupGrace);

        var unhealthy = await client.GetAsync("/health", Ct);
        _status = HealthStatus.Healthy;
        var healthy = await client.GetAsync("/health", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unhealthy.StatusCode);
        Assert.Equal("Unhealthy", await unhealthy.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        Assert.Equal("Healthy", await healthy.Content.ReadAsStringAsync(Ct));
        Assert.Equal(
            [
                (LogLevel.Error, "Health check bus: unknown → Unhealthy not started"),
                (LogLevel.Information, "Health check bus: Unhealthy → Healthy not started"),
            ],
            Transitions());
    }

    private IHost BuildHost()
    {
        var builder = Host.CreateApplicationBuilder();
        Configure(builder);
        var host = builder.Build();
        _ = host.Services.GetRequiredService<HealthTransitionPublisher>(); // created at start-up, as the publishing service does
        return host;
    }

    private void Configure(IHostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(_logs);
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.AddDefaultHealthChecks();
        builder.Services.AddHealthChecks().AddCheck("bus", () => new HealthCheckResult(_status, _description));
    }

    /// <summary>What the periodic publisher does: run every check, then publish the report.</summary>
    private static async Task ProbeAsync(IHost host) =>
        await host.Services.GetServices<IHealthCheckPublisher>().Single()
            .PublishAsync(await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct), Ct);

    private List<(LogLevel Level, string Message)> Transitions() =>
        _logs.Entries.Where(entry => entry.Category.EndsWith(nameof(HealthTransitionPublisher), StringComparison.Ordinal))
            .Select(entry => (entry.Level, entry.Message))
            .ToList();

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
