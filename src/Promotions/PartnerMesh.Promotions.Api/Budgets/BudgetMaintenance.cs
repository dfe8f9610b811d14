using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Promotions.Api.Infrastructure;

namespace PartnerMesh.Promotions.Api.Budgets;

/// <summary>Gives back the budget of expired quotes, refreshes the counters that can refuse a use (at their cap, or with
/// a spend cap — the caps of the live definitions, <see cref="BudgetCaps"/>)
/// and forgets expired idempotency keys (a checkout key lives as long as its quote).</summary>
public sealed class BudgetMaintenance(
    IServiceScopeFactory scopes, BudgetStatusCache statusCache, IOptions<PromotionsOptions> options, TimeProvider timeProvider,
    ILogger<BudgetMaintenance> logger)
    : BackgroundService
{
    /// <summary>The counters that can refuse a use under the live caps (<see cref="BudgetCaps"/>).</summary>
    private const string RefreshSql =
        "SELECT counter.key AS \"Key\", counter.uses AS \"Uses\", counter.spend AS \"Spend\" " +
        "FROM (SELECT key, uses, spend, " + BudgetCaps.OwnerSql + " AS owner FROM budget_counters) AS counter " +
        "JOIN unnest(@owners, @min_uses, @spend_capped) AS caps(owner, min_uses, spend_capped) ON caps.owner = counter.owner " +
        "WHERE caps.spend_capped OR counter.uses >= caps.min_uses";

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
                var (owners, minUses, spendCapped) = statusCache.Caps.ToArrays();
                var counters = await db.Database.SqlQueryRaw<RefreshedCounter>(RefreshSql,
                    new Npgsql.NpgsqlParameter("owners", owners), new Npgsql.NpgsqlParameter("min_uses", minUses),
                    new Npgsql.NpgsqlParameter("spend_capped", spendCapped)).ToListAsync(stoppingToken);
                statusCache.Replace(counters.ToDictionary(counter => counter.Key, counter => new CounterState(counter.Uses, counter.Spend, null, null),
                    StringComparer.Ordinal), readStartedAt);
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

internal sealed record RefreshedCounter(string Key, int Uses, decimal Spend);
