using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace PartnerMesh.ServiceDefaults;

/// <summary>
/// Logs each health check when its status changes — "masstransit-bus: Unhealthy → Healthy" — instead of once per
/// probe. The built-in per-probe logging (every failed <c>/health</c> call at Error) is switched off by
/// <see cref="Extensions.AddDefaultHealthChecks{TBuilder}"/>: a starting service answered the AppHost's probes with a
/// "fail" line for every check not ready yet, and an outage repeated the same line for as long as it lasted.
/// </summary>
internal sealed partial class HealthTransitionPublisher(ILogger<HealthTransitionPublisher> logger) : IHealthCheckPublisher
{
    private readonly Dictionary<string, HealthStatus> _lastStatus = new(StringComparer.Ordinal);

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        lock (_lastStatus)
        {
            foreach (var (name, entry) in report.Entries)
            {
                var known = _lastStatus.TryGetValue(name, out var previous);
                if (known && previous == entry.Status)
                {
                    continue;
                }

                _lastStatus[name] = entry.Status;
                if (!known && entry.Status == HealthStatus.Healthy)
                {
                    continue; // healthy from the first report: nothing worth a line
                }

                var level = entry.Status switch
                {
                    HealthStatus.Healthy => LogLevel.Information,
                    HealthStatus.Degraded => LogLevel.Warning,
                    _ => LogLevel.Error,
                };
                LogTransition(logger, level, entry.Exception, name, known ? previous.ToString() : "unknown", entry.Status, entry.Description ?? "");
            }
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Message = "Health check {Check}: {Previous} → {Status} {Description}")]
    private static partial void LogTransition(
        ILogger logger, LogLevel level, Exception? exception, string check, string previous, HealthStatus status, string description);
}
