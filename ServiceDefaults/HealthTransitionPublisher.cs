using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace PartnerMesh.ServiceDefaults;

/// <summary>
/// Logs each health check when its status (or, while not healthy, its description) changes — "Health check
/// masstransit-bus: Healthy → Unhealthy …" — instead of once per probe. It sees every <c>/health</c> probe's report and
/// runs the checks itself every 10 s, so an outage is logged whether or not anyone probes. During the first
/// <see cref="StartupGrace"/> a check that has not yet been healthy is warming up (the bus connecting), which is not
/// logged; one still not healthy after that is. ASP.NET Core's own per-probe lines are switched off by
/// <see cref="Extensions.AddDefaultHealthChecks{TBuilder}"/>: every probe of a starting service wrote one at Error.
/// </summary>
public sealed partial class HealthTransitionPublisher(ILogger<HealthTransitionPublisher> logger, TimeProvider timeProvider)
    : IHealthCheckPublisher
{
    public static readonly TimeSpan StartupGrace = TimeSpan.FromSeconds(30);

    private readonly DateTimeOffset _startedAt = timeProvider.GetUtcNow();
    private readonly Dictionary<string, HealthReportEntry> _logged = new(StringComparer.Ordinal);
    private readonly HashSet<string> _everHealthy = new(StringComparer.Ordinal);

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        Observe(report);
        return Task.CompletedTask;
    }

    /// <summary>Records a report (from a probe or the periodic run) and logs what changed.</summary>
    public void Observe(HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var warmingUp = timeProvider.GetUtcNow() - _startedAt < StartupGrace;
        lock (_logged)
        {
            foreach (var (name, entry) in report.Entries)
            {
                var healthy = entry.Status == HealthStatus.Healthy;
                var wasWarmingUp = warmingUp && !_everHealthy.Contains(name);
                if (healthy)
                {
                    _everHealthy.Add(name);
                }

                var known = _logged.TryGetValue(name, out var previous);
                if (known && previous.Status == entry.Status && (healthy || previous.Description == entry.Description))
                {
                    continue;
                }

                if (!healthy && wasWarmingUp)
                {
                    continue; // not ready yet during start-up: logged only if it lasts beyond the grace period
                }

                _logged[name] = entry;
                if (!known && healthy)
                {
                    continue; // healthy from the start: nothing worth a line
                }

                var level = entry.Status switch
                {
                    HealthStatus.Healthy => LogLevel.Information,
                    HealthStatus.Degraded => LogLevel.Warning,
                    _ => LogLevel.Error,
                };
                LogChange(logger, level, entry.Exception, name, known ? previous.Status.ToString() : "unknown", entry.Status, entry.Description ?? "");
            }
        }
    }

    [LoggerMessage(Message = "Health check {Check}: {Previous} → {Status} {Description}")]
    private static partial void LogChange(
        ILogger logger, LogLevel level, Exception? exception, string check, string previous, HealthStatus status, string description);
}
