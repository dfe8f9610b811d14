using Microsoft.EntityFrameworkCore;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.Coupons.Api.Infrastructure;

namespace PartnerMesh.Coupons.Api.Generation;

/// <summary>
/// Runs generation jobs from the <c>generation_jobs</c> table, one at a time per instance. A job is claimed with
/// <c>FOR UPDATE SKIP LOCKED</c> (a running job whose heartbeat is older than a minute is taken over). Codes are drawn at
/// random from the pattern and inserted 5,000 per statement with <c>ON CONFLICT (code) DO NOTHING</c>: the unique
/// index, not a read, guarantees uniqueness (against every campaign's codes), and draws that collided are simply drawn
/// again in the next batch. The batch and the job's progress commit together. Each batch's transaction first takes the
/// job's row lock and goes on only while the job is running: a cancellation (from any instance, under the same lock) stops
/// the job before its next batch, and no batch commits after it.
/// </summary>
public sealed class GenerationWorker(IServiceScopeFactory scopes, GenerationSignal signal, TimeProvider timeProvider, ILogger<GenerationWorker> logger)
    : BackgroundService
{
    public const int BatchSize = 5_000;
    private const int MaxFruitlessBatches = 20;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunNextAsync(stoppingToken))
                {
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Code generation failed; retrying");
            }

            await signal.WaitAsync(PollInterval, stoppingToken);
        }
    }

    /// <summary>Claims and runs one job; false when there was none.</summary>
    public async Task<bool> RunNextAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CouponsDbContext>();
        var now = Clock.Now(timeProvider);
        var stale = now - StaleAfter;
        var jobs = await db.GenerationJobs.FromSql($"""
            UPDATE generation_jobs SET status = 'running', started_at = COALESCE(started_at, {now}), heartbeat_at = {now}
            WHERE id = (SELECT id FROM generation_jobs
                        WHERE status = 'queued' OR (status = 'running' AND heartbeat_at < {stale})
                        ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING *
            """).AsNoTracking().ToListAsync(cancellationToken);
        if (jobs.Count == 0)
        {
            return false;
        }

        var job = jobs[0];
        var pattern = CodePattern.TryParse(job.Pattern, job.Prefix, job.Suffix, out var error);
        if (pattern is null)
        {
            await FinishAsync(db, job.Id, GenerationStatuses.Failed, error, cancellationToken);
            return true;
        }

        var generated = job.Generated;
        var fruitless = 0;
        logger.LogInformation("Generating {Count} codes for job {JobId} ({Generated} already made)", job.Count, job.Id, generated);
        while (generated < job.Count)
        {
            var wanted = Math.Min(BatchSize, job.Count - generated);
            var codes = new HashSet<string>(StringComparer.Ordinal);
            while (codes.Count < wanted)
            {
                codes.Add(pattern.Next());
            }

            now = Clock.Now(timeProvider);
            var codeArray = codes.ToArray();
            var ids = codeArray.Select(_ => Guid.CreateVersion7(now)).ToArray();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (await db.Database.ExecuteSqlAsync(
                    $"UPDATE generation_jobs SET heartbeat_at = {now} WHERE id = {job.Id} AND status = {GenerationStatuses.Running}", cancellationToken) == 0)
            {
                logger.LogInformation("Generation job {JobId} stopped after {Generated} codes: it is no longer running (cancelled)", job.Id, generated);
                return true;
            }

            var inserted = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO coupon_codes (id, campaign_id, code, partner_id, max_uses, source, generation_job_id, created_at)
                SELECT batch.id, {job.CampaignId}::uuid, batch.code, {job.PartnerId}::uuid, {job.MaxUsesPerCode}::integer, {job.Kind}, {job.Id}::uuid, {now}::timestamptz
                FROM unnest({ids}::uuid[], {codeArray}::text[]) AS batch(id, code)
                ON CONFLICT (code) DO NOTHING
                """, cancellationToken);
            await db.Database.ExecuteSqlAsync(
                $"UPDATE generation_jobs SET generated = generated + {inserted} WHERE id = {job.Id}", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            generated += inserted;
            fruitless = inserted == 0 ? fruitless + 1 : 0;
            if (fruitless >= MaxFruitlessBatches)
            {
                await FinishAsync(db, job.Id, GenerationStatuses.Failed,
                    $"{MaxFruitlessBatches} batches in a row added no new code: the pattern's space is used up by existing codes.", cancellationToken);
                return true;
            }
        }

        if (await FinishAsync(db, job.Id, GenerationStatuses.Completed, null, cancellationToken))
        {
            logger.LogInformation("Generation job {JobId} completed: {Count} codes", job.Id, generated);
        }

        return true;
    }

    /// <summary>False when the job was cancelled in the meantime (it stays cancelled).</summary>
    private async Task<bool> FinishAsync(CouponsDbContext db, Guid jobId, string status, string? error, CancellationToken cancellationToken)
    {
        var now = Clock.Now(timeProvider);
        return await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE generation_jobs SET status = {status}, error = {error}, completed_at = {now}, heartbeat_at = {now}
            WHERE id = {jobId} AND status = {GenerationStatuses.Running}
            """,
            cancellationToken) == 1;
    }
}
