using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PartnerMesh.Outbox;

/// <summary>
/// Refreshes the outbox gauges (<see cref="OutboxMetrics.ReportStatus"/>) every <see cref="OutboxOptions.StatusInterval"/>
/// with one query, so a metrics collection only reads a cached value and never waits for the database. While the
/// database cannot be read the gauges report nothing rather than stale numbers.
/// </summary>
public sealed partial class OutboxStatusReporter<TDbContext>(
    IServiceScopeFactory scopeFactory,
    OutboxMetrics metrics,
    IOptions<OutboxOptions> options,
    TimeProvider timeProvider,
    ILogger<OutboxStatusReporter<TDbContext>> logger) : BackgroundService
    where TDbContext : DbContext
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StatusInterval, timeProvider);
        do
        {
            try
            {
                await using var scope = scopeFactory.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
                metrics.ReportStatus(await db.GetOutboxStatusAsync(timeProvider, stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The relay already warns when the database is down; this only stops the gauges from going stale.
                metrics.ReportStatus(null);
                LogRefreshFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refreshing the outbox status for the gauges failed")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
