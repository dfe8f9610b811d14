using Microsoft.Extensions.Options;

namespace PartnerMesh.Analytics.Api.Aggregation;

/// <summary>
/// Runs the aggregator whenever events are pending (woken by this instance's ingestion, or polling for others'), and
/// between batches the time-based decisions: abandoned carts, lapsed customers, concentration risk.
/// </summary>
public sealed class AggregationWorker(
    IServiceScopeFactory scopes,
    AggregationSignal signal,
    IOptions<AnalyticsOptions> options,
    TimeProvider timeProvider,
    ILogger<AggregationWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextSweep = DateTimeOffset.MinValue;
        var nextConcentration = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int applied;
                do
                {
                    await using var scope = scopes.CreateAsyncScope();
                    applied = await scope.ServiceProvider.GetRequiredService<Aggregator>().RunBatchAsync(stoppingToken);
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

                if (now >= nextConcentration)
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<Scorecards.ConcentrationMonitor>().CheckAsync(stoppingToken);
                    nextConcentration = now + options.Value.ConcentrationRisk.CheckInterval;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Aggregating analytics events failed; retrying");
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
}
