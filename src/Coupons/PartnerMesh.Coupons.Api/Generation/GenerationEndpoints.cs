using PartnerMesh.ServiceDefaults.WebApi;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Coupons.Api.Generation;

/// <summary>Bulk generation (admin): queue a job, follow its progress, download its codes as CSV, cancel it.</summary>
public static class GenerationEndpoints
{
    public const int MaxCount = 1_000_000;

    public static RouteGroupBuilder MapGenerationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/coupons").WithTags("Generation").RequireAuthorization(PartnerMeshPolicies.Admin);

        group.MapPost("/campaigns/{id:guid}/generation-jobs", CreateGenerationJob).WithName(nameof(CreateGenerationJob))
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/generation-jobs/{id:guid}", GetGenerationJob).WithName(nameof(GetGenerationJob));
        group.MapGet("/generation-jobs/{id:guid}/codes.csv", GetGeneratedCodes).WithName(nameof(GetGeneratedCodes))
            .Produces<string>(contentType: "text/csv").ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/generation-jobs/{id:guid}/cancel", CancelGenerationJob).WithName(nameof(CancelGenerationJob))
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    /// <summary>With an <c>Idempotency-Key</c>, the same request again answers 200 with the job it queued (no second job).</summary>
    private static async Task<Results<Accepted<GenerationJobResponse>, Ok<GenerationJobResponse>, ValidationProblem, ProblemHttpResult>> CreateGenerationJob(
        Guid id, CreateGenerationJobRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, CouponsDbContext db,
        GenerationSignal signal, TimeProvider timeProvider, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var pattern = CodePattern.TryParse(request.Pattern, request.Prefix, request.Suffix, out var patternError);
        if (pattern is null)
        {
            errors["pattern"] = [patternError!];
        }

        if (request.Count is not (>= 1 and <= MaxCount))
        {
            errors["count"] = [$"count is between 1 and {MaxCount}."];
        }

        if (request.PartnerId == Guid.Empty)
        {
            errors["partnerId"] = ["partnerId is a partner id or absent."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } invalidKey)
        {
            return invalidKey;
        }

        if (pattern!.WhyInfeasible(request.Count!.Value) is { } infeasible)
        {
            return Problems.Refused(StatusCodes.Status422UnprocessableEntity, "infeasible", "Too many codes for the pattern", infeasible);
        }

        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(campaign => campaign.Id == id, cancellationToken);
        if (campaign is null)
        {
            return Problems.NotFound("Campaign not found", $"No campaign {id} exists.");
        }

        if (AdminProblems.PartnerNotInCampaign(campaign, request.PartnerId) is { } notListed)
        {
            return notListed;
        }

        var now = Clock.Now(timeProvider);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var jobId = Guid.CreateVersion7(now);
        if (idempotencyKey is not null
            && await db.ClaimAsync("create-generation-job", idempotencyKey, IdempotencyKeys.Fingerprint(new { campaignId = id, request }), jobId, now, cancellationToken)
                is var (outcome, earlier)
            && outcome != IdempotencyOutcome.Claimed)
        {
            return outcome == IdempotencyOutcome.Replayed
                ? TypedResults.Ok(GenerationJobResponse.From(await db.GenerationJobs.AsNoTracking().SingleAsync(job => job.Id == earlier, cancellationToken)))
                : AdminProblems.KeyReused();
        }

        // After the key (a retry is answered with its job, not refused for it), under a lock per template so that requests
        // at once cannot each pass on their own.
        if (pattern.WhyInfeasible(request.Count.Value, await CodesInSpaceAsync(db, pattern, cancellationToken)) is { } crowded)
        {
            return Problems.Refused(StatusCodes.Status422UnprocessableEntity, "infeasible", "Too many codes for the pattern", crowded);
        }

        var job = new GenerationJob
        {
            Id = jobId,
            CampaignId = id,
            Pattern = request.Pattern!,
            Prefix = request.Prefix ?? "",
            Suffix = request.Suffix ?? "",
            Count = request.Count!.Value,
            PartnerId = request.PartnerId,
            MaxUsesPerCode = campaign.MaxUsesPerCode,
            Status = GenerationStatuses.Queued,
            CreatedAt = now,
            CreatedBy = Actor.Of(user),
        };
        db.GenerationJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal.Notify();
        return TypedResults.Accepted($"/api/coupons/generation-jobs/{job.Id}", GenerationJobResponse.From(job));
    }

    private static async Task<Results<Ok<GenerationJobResponse>, ProblemHttpResult>> GetGenerationJob(
        Guid id, CouponsDbContext db, CancellationToken cancellationToken) =>
        await db.GenerationJobs.AsNoTracking().SingleOrDefaultAsync(job => job.Id == id, cancellationToken) is { } job
            ? TypedResults.Ok(GenerationJobResponse.From(job))
            : JobNotFound(id);

    /// <summary>The job's codes, one per line after a <c>code</c> header, streamed from the database (never held in memory).
    /// A cancelled job's codes are disabled: 409, so that a half-made batch is never handed out.</summary>
    private static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> GetGeneratedCodes(
        Guid id, CouponsDbContext db, CancellationToken cancellationToken)
    {
        var status = await db.GenerationJobs.Where(job => job.Id == id).Select(job => job.Status).SingleOrDefaultAsync(cancellationToken);
        if (status is null)
        {
            return JobNotFound(id);
        }

        if (status == GenerationStatuses.Cancelled)
        {
            return AdminProblems.JobCancelled(id);
        }

        return TypedResults.Stream(async stream =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024);
            await writer.WriteAsync("code\n");
            await foreach (var code in db.Codes.AsNoTracking().Where(code => code.GenerationJobId == id).OrderBy(code => code.Id)
                .Select(code => code.Code).AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                await writer.WriteAsync(code);
                await writer.WriteAsync('\n');
            }
        }, "text/csv", $"codes-{id}.csv");
    }

    /// <summary>
    /// Stops a queued or running job, on whichever instance runs it, and disables the codes it made, in one transaction
    /// under the job's row lock: the worker takes that lock first in each batch's transaction and stops when the job is no
    /// longer running, so a batch commits either before the cancellation (and is disabled with the rest) or not at all.
    /// A cancelled job again: 200 with the same job.
    /// </summary>
    private static async Task<Results<Ok<GenerationJobResponse>, ProblemHttpResult>> CancelGenerationJob(
        Guid id, CouponsDbContext db, CodeChangeNotifier codeChanges, TimeProvider timeProvider, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var job = await db.GenerationJobs.FromSql($"SELECT * FROM generation_jobs WHERE id = {id} FOR UPDATE").AsNoTracking()
            .SingleOrDefaultAsync(cancellationToken);
        switch (job)
        {
            case null:
                return JobNotFound(id);
            case { Status: GenerationStatuses.Cancelled }:
                return TypedResults.Ok(GenerationJobResponse.From(job));
            case { Status: GenerationStatuses.Completed or GenerationStatuses.Failed }:
                return AdminProblems.JobFinished(id, job.Status);
            case { Kind: CodeSources.Pool }:
                return AdminProblems.JobNotCancellable(id);
        }

        var now = Clock.Now(timeProvider);
        await db.Database.ExecuteSqlAsync($"""
            UPDATE generation_jobs SET status = {GenerationStatuses.Cancelled}, completed_at = {now}, heartbeat_at = {now}, cancelled_by = {Actor.Of(user)}
            WHERE id = {id}
            """, cancellationToken);
        // One statement; the rows are locked in ascending id, the order every checkout path locks codes in.
        await db.Database.ExecuteSqlAsync($"""
            UPDATE coupon_codes SET disabled_at = {now}
            WHERE id IN (SELECT id FROM coupon_codes WHERE generation_job_id = {id} AND disabled_at IS NULL ORDER BY id FOR UPDATE)
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await codeChanges.ChangedAsync($"generation-job:{id}");
        return TypedResults.Ok(GenerationJobResponse.From(await db.GenerationJobs.AsNoTracking().SingleAsync(cancelled => cancelled.Id == id, cancellationToken)));
    }

    /// <summary>
    /// The codes of the pattern's space that exist or are on their way: those made by every job of the same template (in
    /// any campaign) and those that queued or running jobs of it are still to make. Locks the template until commit.
    /// Codes made otherwise (single codes, rotations, personal offers) are not counted: they come from other shapes or
    /// one at a time.
    /// </summary>
    private static async Task<long> CodesInSpaceAsync(CouponsDbContext db, CodePattern pattern, CancellationToken cancellationToken)
    {
        var template = pattern.Template;
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"generation-space:" + template}, 0))", cancellationToken);
        return await db.GenerationJobs.Where(job => job.Prefix + job.Pattern + job.Suffix == template)
            .SumAsync(job => (long)(job.Status == GenerationStatuses.Queued || job.Status == GenerationStatuses.Running ? job.Count : job.Generated),
                cancellationToken);
    }

    private static ProblemHttpResult JobNotFound(Guid id) => Problems.NotFound("Generation job not found", $"No generation job {id} exists.");
}
