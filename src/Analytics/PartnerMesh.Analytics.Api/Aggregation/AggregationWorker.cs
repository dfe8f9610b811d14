using Microsoft.Extensions.Options;

namespace PartnerMesh.Analytics.Api.Aggregation;

/// <summary>
/// Runs the aggregator whenever events are pending (woken by this instance's ingestion, or polling for others'), and
/// between batches the time-based decisions: abandoned carts, lapsed customers, concentration risk. Concentration risk is
/// also checked soon after a batch changed revenue (at most once per <see cref="RevenueCheckGap"/>), so a partner's share
/// passing the threshold is flagged within seconds rather than at the next periodic check.
/// </summary>
public sealed class AggregationWorker(
    IServiceScopeFactory scopes,
    AggregationSignal signal,
    IOptions<AnalyticsOptions> options,
    TimeProvider timeProvider,
    ILogger<AggregationWorker> logger) : BackgroundService
{
    /// <summary>The least time between two concentration checks that revenue changes ask for (a busy log changes it constantly).</summary>
    public static readonly TimeSpan RevenueCheckGap = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextSweep = DateTimeOffset.MinValue;
        var nextConcentration = DateTimeOffset.MinValue;
        var lastConcentration = DateTimeOffset.MinValue;
        var revenueChanged = false;
        var isolate = false;
        var batchSize = options.Value.AggregationBatchSize;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int applied;
                do
                {
                    await using var scope = scopes.CreateAsyncScope();
                    // Checked before every batch, so a replay starts even while a busy log keeps the worker draining.
                    await scope.ServiceProvider.GetRequiredService<Replayer>().StartQueuedAsync(stoppingToken);
                    var limit = isolate ? 1 : batchSize;
                    var aggregator = scope.ServiceProvider.GetRequiredService<Aggregator>();
                    applied = await aggregator.RunBatchAsync(stoppingToken, limit);
                    revenueChanged |= aggregator.RevenueChanged;
                    isolate = false;
                    batchSize = NextBatchSize(limit, applied, options.Value);
                }
                while (applied > 0 && !stoppingToken.IsCancellationRequested);

                var now = timeProvider.GetUtcNow();
                if (now >= nextSweep)
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var decided = await scope.ServiceProvider.GetRequiredService<Sweeper>().SweepAsync(stoppingToken);
                    nextSweep = now + options.Value.CartAbandonment.SweepInterval;
                    if (decided > 0)
                    {
                        continue;
                    }
                }

                // Still pending when within the gap: the poll below wakes the loop again shortly.
                if (now >= nextConcentration || (revenueChanged && now - lastConcentration >= RevenueCheckGap))
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<Scorecards.ConcentrationMonitor>().CheckAsync(stoppingToken);
                    revenueChanged = false;
                    lastConcentration = now;
                    nextConcentration = now + options.Value.ConcentrationRisk.CheckInterval;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                if (isolate && !IsTransient(exception))
                {
                    // The next event fails on its own: set it aside so the events behind it are counted.
                    await using var scope = scopes.CreateAsyncScope();
                    var skipped = await scope.ServiceProvider.GetRequiredService<Aggregator>().SkipNextAsync(stoppingToken);
                    logger.LogError(exception, "Analytics event {EventId} cannot be aggregated; set aside (it stays in the log)", skipped);
                    isolate = false;
                    continue;
                }

                logger.LogWarning(exception, "Aggregating analytics events failed; retrying them one at a time");
                isolate = !IsTransient(exception);
                batchSize = options.Value.AggregationBatchSize;
            }

            try
            {
                await signal.WaitAsync(options.Value.AggregationPollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A full batch means more events are waiting: the next batch doubles, up to the maximum; a partial one (caught up)
    /// goes back to the normal size, so a quiet log is applied in small, quick transactions.
    /// </summary>
    public static int NextBatchSize(int limit, int applied, AnalyticsOptions settings) =>
        applied >= limit && limit > 1
            ? Math.Max(settings.AggregationBatchSize, Math.Min(limit * 2, settings.AggregationMaxBatchSize))
            : settings.AggregationBatchSize;

    private static bool IsTransient(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is Npgsql.NpgsqlException { IsTransient: true } or TimeoutException or System.Net.Sockets.SocketException)
            {
                return true;
            }
        }

        return false;
    }
}
