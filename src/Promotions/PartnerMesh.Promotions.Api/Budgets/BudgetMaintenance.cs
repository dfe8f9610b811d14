using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Promotions.Api.Infrastructure;

namespace PartnerMesh.Promotions.Api.Budgets;

/// <summary>Gives back the budget of expired quotes and refreshes which counters are at their cap.</summary>
public sealed class BudgetMaintenance(
    IServiceScopeFactory scopes, BudgetStatusCache statusCache, IOptions<PromotionsOptions> options, ILogger<BudgetMaintenance> logger)
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
                    .Where(counter => (counter.MaxUses != null && counter.Uses >= counter.MaxUses)
                        || (counter.MaxSpend != null && counter.Spend >= counter.MaxSpend))
                    .Select(counter => counter.Key).ToListAsync(stoppingToken), readStartedAt);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Budget maintenance failed; retrying in {Interval}", options.Value.ReservationSweepInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
