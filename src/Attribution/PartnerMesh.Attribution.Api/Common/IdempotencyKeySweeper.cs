using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Attribution.Api.Infrastructure;

namespace PartnerMesh.Attribution.Api.Common;

/// <summary>
/// Forgets <c>Idempotency-Key</c>s stored longer than <see cref="AttributionOptions.IdempotencyKeyRetention"/> ago
/// (<c>idempotency_records</c> and <c>click_idempotency_keys</c>), every
/// <see cref="AttributionOptions.IdempotencyKeySweepInterval"/> on every instance. Each statement deletes a bounded batch,
/// so a backlog is never one long transaction, and skips rows another instance is deleting.
/// </summary>
public sealed class IdempotencyKeySweeper(
    IServiceScopeFactory scopes, IOptions<AttributionOptions> options, TimeProvider timeProvider, ILogger<IdempotencyKeySweeper> logger)
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

    /// <summary>Deletes the keys stored before now minus the retention; returns how many went.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var before = timeProvider.GetUtcNowForStorage() - options.Value.IdempotencyKeyRetention;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AttributionDbContext>();
        var records = await DeleteInBatchesAsync(() => db.Database.ExecuteSqlAsync($"""
            DELETE FROM idempotency_records WHERE (caller, operation, key) IN (
                SELECT caller, operation, key FROM idempotency_records WHERE created_at < {before}
                LIMIT {BatchSize} FOR UPDATE SKIP LOCKED)
            """, cancellationToken));
        var clickKeys = await DeleteInBatchesAsync(() => db.Database.ExecuteSqlAsync($"""
            DELETE FROM click_idempotency_keys WHERE (caller, key) IN (
                SELECT caller, key FROM click_idempotency_keys WHERE created_at < {before}
                LIMIT {BatchSize} FOR UPDATE SKIP LOCKED)
            """, cancellationToken));
        return records + clickKeys;
    }

    /// <summary>Runs one batch after another while a batch was full.</summary>
    private static async Task<int> DeleteInBatchesAsync(Func<Task<int>> deleteBatch)
    {
        var total = 0;
        int deleted;
        do
        {
            deleted = await deleteBatch();
            total += deleted;
        }
        while (deleted == BatchSize);

        return total;
    }
}
