using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Coupons.Api.Infrastructure;

namespace PartnerMesh.Coupons.Api.Common;

/// <summary>
/// Forgets <c>Idempotency-Key</c>s (<c>idempotency_keys</c>) stored longer than <see cref="CouponsOptions.IdempotencyKeyRetention"/>
/// ago, every <see cref="CouponsOptions.IdempotencyKeySweepInterval"/> on every instance. Each statement deletes a bounded
/// batch, so a backlog is never one long transaction, and skips rows another instance is deleting.
/// </summary>
public sealed class IdempotencyKeySweeper(
    IServiceScopeFactory scopes, IOptions<CouponsOptions> options, TimeProvider timeProvider, ILogger<IdempotencyKeySweeper> logger)
    : BackgroundService
{
    public const int BatchSize = 5_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.IdempotencyKeySweepInterval, timeProvider);
        do
        {
            try
            {
                var forgotten = await SweepAsync(stoppingToken);
                if (forgotten > 0)
                {
                    logger.LogInformation("Forgot {Count} idempotency keys older than {Retention}", forgotten, options.Value.IdempotencyKeyRetention);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Forgetting expired idempotency keys failed; retrying in {Interval}", options.Value.IdempotencyKeySweepInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes the keys stored before now minus the retention, a batch per statement while a batch was full; returns
    /// how many went.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var before = Clock.Now(timeProvider) - options.Value.IdempotencyKeyRetention;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CouponsDbContext>();
        var total = 0;
        int deleted;
        do
        {
            deleted = await db.Database.ExecuteSqlAsync($"""
                DELETE FROM idempotency_keys WHERE (operation, key) IN (
                    SELECT operation, key FROM idempotency_keys WHERE created_at < {before}
                    LIMIT {BatchSize} FOR UPDATE SKIP LOCKED)
                """, cancellationToken);
            total += deleted;
        }
        while (deleted == BatchSize);

        return total;
    }
}
