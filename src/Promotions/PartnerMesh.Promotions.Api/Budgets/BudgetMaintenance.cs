using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Promotions.Api.Infrastructure;

namespace PartnerMesh.Promotions.Api.Budgets;

/// <summary>Gives back the budget of expired quotes, refreshes the counters that can refuse a use (at their cap, or with
/// a spend cap) and forgets expired idempotency keys (a checkout key lives as long as its quote).</summary>
public sealed class BudgetMaintenance(
    IServiceScopeFactory scopes, BudgetStatusCache statusCache, IOptions<PromotionsOptions> options, TimeProvider timeProvider,
    ILogger<BudgetMaintenance> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReservationSweepInterval);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var ledger = scope.ServiceProvider.GetRequiredService<BudgetLedger>();
                int released;
                while ((released = await ledger.ReleaseExpiredAsync(200, stoppingToken)) > 0)
                {
                    logger.LogInformation("Released {Count} expired budget reservations", released);
                }

                var db = scope.ServiceProvider.GetRequiredService<PromotionsDbContext>();
                var readStartedAt = Stopwatch.GetTimestamp();
                statusCache.Replace(await db.BudgetCounters.AsNoTracking()
                    .Where(counter => (counter.MaxUses != null && counter.Uses >= counter.MaxUses) || counter.MaxSpend != null)
                    .ToDictionaryAsync(counter => counter.Key, counter => new CounterState(counter.Uses, counter.Spend, counter.MaxUses, counter.MaxSpend),
                        StringComparer.Ordinal, stoppingToken), readStartedAt);
                var now = timeProvider.GetUtcNow();
                await db.IdempotencyRecords.Where(record => record.ExpiresAt < now).ExecuteDeleteAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Budget maintenance failed; retrying in {Interval}", options.Value.ReservationSweepInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
