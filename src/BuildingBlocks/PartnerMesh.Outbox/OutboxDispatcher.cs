using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PartnerMesh.Outbox;

/// <summary>Runs the relay: immediately when a commit signals new rows, otherwise every poll interval; cleans up old rows.</summary>
public sealed partial class OutboxDispatcher<TDbContext>(
    IServiceScopeFactory scopeFactory,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider timeProvider,
    ILogger<OutboxDispatcher<TDbContext>> logger) : BackgroundService
    where TDbContext : DbContext
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextCleanup = timeProvider.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            int claimed;
            try
            {
                await using var scope = scopeFactory.CreateAsyncScope();
                var relay = scope.ServiceProvider.GetRequiredService<OutboxRelay<TDbContext>>();
                claimed = await relay.ProcessBatchAsync(stoppingToken);

                if (timeProvider.GetUtcNow() >= nextCleanup)
                {
                    await relay.DeletePublishedAsync(stoppingToken);
                    nextCleanup = timeProvider.GetUtcNow() + options.Value.CleanupInterval;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The database may be down; keep the service alive and try again after the poll interval.
                LogRelayFailed(logger, exception);
                claimed = 0;
            }

            if (claimed < options.Value.BatchSize)
            {
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay pass failed")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);
}
