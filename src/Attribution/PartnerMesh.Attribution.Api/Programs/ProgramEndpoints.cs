using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Infrastructure.Configurations;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Data;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Attribution.Api.Programs;

public static class ProgramEndpoints
{
    private const string ProgramsList = "attribution.programs";

    public static RouteGroupBuilder MapProgramEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/attribution/programs").WithTags("Programs");
        group.MapPost("/", CreateProgram).WithName(nameof(CreateProgram)).RequireAuthorization(PartnerMeshPolicies.Admin)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListPrograms).WithName(nameof(ListPrograms)).RequireAuthorization(PartnerMeshPolicies.Admin);
        group.MapGet("/{id:guid}", GetProgram).WithName(nameof(GetProgram)).RequireAuthorization(PartnerMeshPolicies.Admin)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id:guid}", UpdateProgram).WithName(nameof(UpdateProgram)).RequireAuthorization(PartnerMeshPolicies.Admin)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithDescription("Replaces the program's terms: every term left out takes its default (as at creation; a `budget` or "
                + "`partnerBudget` left out removes that cap), except `plan`, which is kept when left out (a plan has its own "
                + "versions: send one to change it). The currency cannot change.");
        group.MapGet("/{id:guid}/plans", ListPlanVersions).WithName(nameof(ListPlanVersions)).RequireAuthorization(PartnerMeshPolicies.Admin)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/agreements", CreateAgreement).WithName(nameof(CreateAgreement)).RequireAuthorization(PartnerMeshPolicies.Admin)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id:guid}/agreements", ListAgreements).WithName(nameof(ListAgreements)).RequireAuthorization(PartnerMeshPolicies.PartnerOrAdmin)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}/ambassador-value", MeasureAmbassadorValue).WithName(nameof(MeasureAmbassadorValue))
            .RequireAuthorization(PartnerMeshPolicies.Admin).ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost("/api/attribution/ambassador-value/projection", ProjectAmbassadorValue).WithName(nameof(ProjectAmbassadorValue))
            .WithTags("Programs").RequireAuthorization(PartnerMeshPolicies.Admin);
        app.MapPost("/api/attribution/partners/{partnerId:guid}/agreements/{agreementId:guid}/acceptance", AcceptAgreement)
            .WithName(nameof(AcceptAgreement)).WithTags("Programs").RequireAuthorization(PartnerMeshPolicies.PartnerOrAdmin)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Created<ProgramResponse>, Ok<ProgramResponse>, ValidationProblem, ProblemHttpResult>> CreateProgram(
        SaveProgramRequest request, [Microsoft.AspNetCore.Mvc.FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey,
        AttributionDbContext db, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (ProgramRules.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        var fingerprint = IdempotencyKeys.Fingerprint(request);
        if (idempotencyKey is not null && await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.IdempotencyKey == idempotencyKey, cancellationToken) is { } existing)
        {
            return Replay(existing, fingerprint);
        }

        var now = timeProvider.GetUtcNowForStorage();
        var program = new PartnerProgram
        {
            Id = Guid.CreateVersion7(now),
            Name = request.Name!.Trim(),
            Currency = request.Currency!,
            AttributionModel = AttributionTerms.LastClickModel,
            Plan = CommissionPlan.FlatRate(0.10m),
            PlanVersion = 1,
            IdempotencyKey = idempotencyKey,
            IdempotencyFingerprint = idempotencyKey is null ? null : fingerprint,
            CreatedAt = now,
        };
        Apply(program, request, now);
        db.Programs.Add(program);
        db.PlanVersions.Add(new PlanVersion { ProgramId = program.Id, Version = 1, Plan = program.Plan, EffectiveFrom = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(ProgramConfiguration.UniqueIdempotencyKeyIndex))
        {
            db.ChangeTracker.Clear();
            return Replay(await db.Programs.AsNoTracking().SingleAsync(p => p.IdempotencyKey == idempotencyKey, cancellationToken), fingerprint);
        }

        return TypedResults.Created($"/api/attribution/programs/{program.Id}", ProgramResponse.From(program));

        static Results<Created<ProgramResponse>, Ok<ProgramResponse>, ValidationProblem, ProblemHttpResult> Replay(PartnerProgram existing, string fingerprint) =>
            IdempotencyKeys.Matches(existing.IdempotencyFingerprint, fingerprint) ? TypedResults.Ok(ProgramResponse.From(existing)) : IdempotencyKeys.Reused();
    }

    private static async Task<Results<Ok<ProgramResponse>, ValidationProblem, ProblemHttpResult>> UpdateProgram(
        Guid id, SaveProgramRequest request, AttributionDbContext db, ProgramDirectory directory, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (ProgramRules.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Edits of one program take its row lock in turn, so concurrent plan changes each become the next version.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var program = await db.Programs.FromSql($"SELECT * FROM programs WHERE id = {id} FOR NO KEY UPDATE").SingleOrDefaultAsync(cancellationToken);
        if (program is null)
        {
            return ProgramNotFound(id);
        }

        if (program.Currency != request.Currency)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["currency"] = ["A program's currency cannot change: booked commissions and budgets are in it."],
            });
        }

        var now = timeProvider.GetUtcNowForStorage();
        var previousPlan = System.Text.Json.JsonSerializer.Serialize(program.Plan);
        program.Name = request.Name!.Trim();
        Apply(program, request, now);
        // A plan change is a new version: booked commissions keep the amounts (and version) they were booked with.
        if (System.Text.Json.JsonSerializer.Serialize(program.Plan) != previousPlan)
        {
            program.PlanVersion++;
            db.PlanVersions.Add(new PlanVersion { ProgramId = program.Id, Version = program.PlanVersion, Plan = program.Plan, EffectiveFrom = now });
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        directory.Invalidate(id);
        return TypedResults.Ok(ProgramResponse.From(program));
    }

    private static void Apply(PartnerProgram program, SaveProgramRequest request, DateTimeOffset now)
    {
        program.AttributionModel = request.AttributionModel ?? AttributionTerms.LastClickModel;
        program.WindowDays = request.WindowDays ?? 30;
        program.CouponPrecedence = request.CouponPrecedence ?? true;
        program.CustomerCarriesCredit = request.CustomerCarriesCredit ?? true;
        program.DuplicateClickWindowSeconds = request.DuplicateClickWindowSeconds ?? 1800;
        program.HoldDays = request.HoldDays ?? 30;
        program.NoPaidSearch = request.NoPaidSearch ?? false;
        program.MinSecondsToConversion = request.MinSecondsToConversion ?? 10;
        program.ClickFloodThreshold = request.ClickFloodThreshold ?? 20;
        program.FallbackUrl = request.FallbackUrl;
        program.AllowedHosts = request.AllowedHosts?.Select(host => host.Trim().ToLowerInvariant()).Distinct().ToList() ?? [];
        program.Budget = request.Budget;
        program.PartnerBudget = request.PartnerBudget;
        program.Plan = request.Plan ?? program.Plan; // kept when left out: a plan change is a new version, never a silent reset
        program.UpdatedAt = now;
    }

    private static async Task<Results<Ok<PageResponse<ProgramResponse>>, ValidationProblem>> ListPrograms(
        int? limit, string? after, AttributionDbContext db, CancellationToken cancellationToken)
    {
        if (Paging.Validate(ProgramsList, limit, after, out var take, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = db.Programs.AsNoTracking();
        if (afterId is { } cursor)
        {
            query = query.Where(program => program.Id.CompareTo(cursor) > 0);
        }

        var rows = await query.OrderBy(program => program.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.ToPage(ProgramsList, rows, take, program => program.Id, ProgramResponse.From));
    }

    private static async Task<Results<Ok<ProgramResponse>, ProblemHttpResult>> GetProgram(Guid id, AttributionDbContext db, CancellationToken cancellationToken) =>
        await db.Programs.AsNoTracking().SingleOrDefaultAsync(program => program.Id == id, cancellationToken) is { } program
            ? TypedResults.Ok(ProgramResponse.From(program))
            : ProgramNotFound(id);

    private static async Task<Results<Ok<List<PlanVersionResponse>>, ProblemHttpResult>> ListPlanVersions(
        Guid id, AttributionDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Programs.AnyAsync(program => program.Id == id, cancellationToken))
        {
            return ProgramNotFound(id);
        }

        var versions = await db.PlanVersions.AsNoTracking().Where(version => version.ProgramId == id).OrderBy(version => version.Version)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(versions.Select(version => new PlanVersionResponse(version.Version, version.Plan, version.EffectiveFrom)).ToList());
    }

    private static async Task<Results<Created<AgreementResponse>, Ok<AgreementResponse>, ValidationProblem, ProblemHttpResult>> CreateAgreement(
        Guid id, CreateAgreementRequest request, [Microsoft.AspNetCore.Mvc.FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey,
        AttributionDbContext db, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Title) || request.Title.Trim().Length > 200)
        {
            errors["title"] = ["title is required: at most 200 characters."];
        }

        if (string.IsNullOrWhiteSpace(request.Body) || request.Body.Length > 20_000 || request.Body.Contains('\0'))
        {
            errors["body"] = ["body is required: at most 20,000 characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        var fingerprint = IdempotencyKeys.Fingerprint(new { route = id, request });
        if (idempotencyKey is not null && await db.Agreements.AsNoTracking().SingleOrDefaultAsync(a => a.IdempotencyKey == idempotencyKey, cancellationToken) is { } existing)
        {
            return Replay(existing, fingerprint);
        }

        // Agreement versions of one program are numbered under its row lock: concurrent POSTs each get the next one.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.Programs.FromSql($"SELECT * FROM programs WHERE id = {id} FOR NO KEY UPDATE").SingleOrDefaultAsync(cancellationToken) is null)
        {
            return ProgramNotFound(id);
        }

        var now = timeProvider.GetUtcNowForStorage();
        var version = (await db.Agreements.Where(agreement => agreement.ProgramId == id).MaxAsync(agreement => (int?)agreement.Version, cancellationToken) ?? 0) + 1;
        var agreement = new Agreement
        {
            Id = Guid.CreateVersion7(now), ProgramId = id, Version = version, Title = request.Title!.Trim(), Body = request.Body!,
            IdempotencyKey = idempotencyKey, IdempotencyFingerprint = idempotencyKey is null ? null : fingerprint, CreatedAt = now,
        };
        db.Agreements.Add(agreement);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return TypedResults.Created($"/api/attribution/programs/{id}/agreements/{agreement.Id}", AgreementResponse.From(agreement));
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(ProgramConfiguration.UniqueAgreementIdempotencyKeyIndex))
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return Replay(await db.Agreements.AsNoTracking().SingleAsync(a => a.IdempotencyKey == idempotencyKey, cancellationToken), fingerprint);
        }

        static Results<Created<AgreementResponse>, Ok<AgreementResponse>, ValidationProblem, ProblemHttpResult> Replay(Agreement existing, string fingerprint) =>
            IdempotencyKeys.Matches(existing.IdempotencyFingerprint, fingerprint) ? TypedResults.Ok(AgreementResponse.From(existing)) : IdempotencyKeys.Reused();
    }

    private static async Task<Results<Ok<List<AgreementResponse>>, ProblemHttpResult, ForbidHttpResult>> ListAgreements(
        Guid id, ClaimsPrincipal user, AttributionDbContext db, CancellationToken cancellationToken)
    {
        if (!user.IsAdmin() && !await db.Partners.AnyAsync(partner => partner.Id == user.PartnerId() && partner.ProgramId == id, cancellationToken))
        {
            return TypedResults.Forbid();
        }

        if (!await db.Programs.AnyAsync(program => program.Id == id, cancellationToken))
        {
            return ProgramNotFound(id);
        }

        var agreements = await db.Agreements.AsNoTracking().Where(agreement => agreement.ProgramId == id).OrderBy(agreement => agreement.Version)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(agreements.Select(AgreementResponse.From).ToList());
    }

    private static async Task<Results<Ok<AgreementResponse>, ProblemHttpResult, ForbidHttpResult>> AcceptAgreement(
        Guid partnerId, Guid agreementId, ClaimsPrincipal user, AttributionDbContext db, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!user.MayReadPartner(partnerId))
        {
            return TypedResults.Forbid();
        }

        var partner = await db.Partners.AsNoTracking().SingleOrDefaultAsync(partner => partner.Id == partnerId, cancellationToken);
        var agreement = await db.Agreements.AsNoTracking().SingleOrDefaultAsync(agreement => agreement.Id == agreementId, cancellationToken);
        if (partner is null || agreement is null || agreement.ProgramId != partner.ProgramId)
        {
            return Problems.NotFound("Agreement not found", $"Partner {partnerId} has no agreement {agreementId} in its program.");
        }

        // Accepting twice is a no-op that answers the same.
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO agreement_acceptances (agreement_id, partner_id, accepted_at) VALUES ({agreementId}, {partnerId}, {timeProvider.GetUtcNowForStorage()}) ON CONFLICT DO NOTHING",
            cancellationToken);
        return TypedResults.Ok(AgreementResponse.From(agreement));
    }

    private static async Task<Results<Ok<AmbassadorValue>, ProblemHttpResult>> MeasureAmbassadorValue(
        Guid id, AttributionDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Programs.AnyAsync(program => program.Id == id, cancellationToken))
        {
            return ProgramNotFound(id);
        }

        var ambassadors = db.Partners.Where(partner => partner.ProgramId == id && partner.Kind == "ambassador");
        var count = await ambassadors.CountAsync(cancellationToken);
        var sharers = await ambassadors.CountAsync(partner => db.Clicks.Any(click => click.PartnerId == partner.Id), cancellationToken);
        var visits = await db.Clicks.LongCountAsync(click => ambassadors.Any(partner => partner.Id == click.PartnerId), cancellationToken);
        var revenue = await db.Conversions.Where(conversion => conversion.Attributed && ambassadors.Any(partner => partner.Id == conversion.PartnerId))
            .GroupBy(conversion => conversion.Currency)
            .Select(group => new { Currency = group.Key, Amount = group.Sum(conversion => conversion.Amount - conversion.RefundedAmount) })
            .ToDictionaryAsync(row => row.Currency, row => row.Amount, cancellationToken);
        return TypedResults.Ok(AmbassadorValue.Measure(count, sharers, visits, revenue));
    }

    private static Results<Ok<AmbassadorProjectionResponse>, ValidationProblem> ProjectAmbassadorValue(AmbassadorProjectionRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Ambassadors is not (>= 0 and <= 100_000_000))
        {
            errors["ambassadors"] = ["ambassadors is required: 0 to 100,000,000."];
        }

        if (request.ShareRate is not (>= 0 and <= 1))
        {
            errors["shareRate"] = ["shareRate is required: between 0 and 1 (0.40 = 40 %)."];
        }

        if (request.VisitsPerShare is not (>= 0 and <= 1_000_000))
        {
            errors["visitsPerShare"] = ["visitsPerShare is required: 0 to 1,000,000."];
        }

        if (request.RevenuePerVisit is not (>= 0 and <= 1_000_000))
        {
            errors["revenuePerVisit"] = ["revenuePerVisit is required: 0 to 1,000,000."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var ambassadors = request.Ambassadors!.Value;
        var sharers = ambassadors * request.ShareRate!.Value;
        var visits = sharers * request.VisitsPerShare!.Value;
        return TypedResults.Ok(new AmbassadorProjectionResponse(
            ambassadors, request.ShareRate.Value, request.VisitsPerShare.Value, request.RevenuePerVisit!.Value,
            sharers, visits,
            AmbassadorValue.Project(ambassadors, request.ShareRate.Value, request.VisitsPerShare.Value, request.RevenuePerVisit.Value)));
    }

    private static ProblemHttpResult ProgramNotFound(Guid id) => Problems.NotFound("Program not found", $"No program has id {id}.");
}
