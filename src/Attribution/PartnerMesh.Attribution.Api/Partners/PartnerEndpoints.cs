using PartnerMesh.ServiceDefaults.WebApi;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Infrastructure.Configurations;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Attribution.Api.Programs;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Data;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.Customers;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Attribution.Api.Partners;

public static class PartnerEndpoints
{
    private const string PartnersList = "attribution.partners";

    public static RouteGroupBuilder MapPartnerEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/attribution/partners").WithTags("Partners");

        group.MapPost("/", CreatePartner).WithName(nameof(CreatePartner)).RequireAuthorization(PartnerMeshPolicies.Admin)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListPartners).WithName(nameof(ListPartners)).RequireAuthorization(PartnerMeshPolicies.Admin);
        group.MapPut("/{id:guid}/status", UpdatePartnerStatus).WithName(nameof(UpdatePartnerStatus)).RequireAuthorization(PartnerMeshPolicies.Admin)
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost("/api/attribution/ambassadors", CreateAmbassador).WithName(nameof(CreateAmbassador)).WithTags("Partners")
            .RequireAuthorization(PartnerMeshPolicies.Storefront).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id:guid}", GetPartner).WithName(nameof(GetPartner)).RequireAuthorization(PartnerMeshPolicies.PartnerOrAdmin)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    private static async Task<Results<Created<PartnerResponse>, Ok<PartnerResponse>, ValidationProblem, ProblemHttpResult>> CreatePartner(
        CreatePartnerRequest request, [Microsoft.AspNetCore.Mvc.FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey,
        AttributionDbContext db, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (PartnerRules.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        var fingerprint = IdempotencyKeys.Fingerprint(request);
        if (idempotencyKey is not null && await db.Partners.AsNoTracking().SingleOrDefaultAsync(p => p.IdempotencyKey == idempotencyKey, cancellationToken) is { } existing)
        {
            return Replay(existing, fingerprint);
        }

        if (request.ProgramId is { } programId)
        {
            var currency = await db.Programs.Where(program => program.Id == programId).Select(program => program.Currency).SingleOrDefaultAsync(cancellationToken);
            if (currency is null)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["programId"] = [$"No program has id {programId}."] });
            }

            // The budget is in the program currency: a digit below its minor unit would let the cap book more than the budget.
            var budgetErrors = new Dictionary<string, string[]>();
            ProgramRules.MoneyField(budgetErrors, "budget", request.Budget, currency);
            if (budgetErrors.Count > 0)
            {
                return TypedResults.ValidationProblem(budgetErrors);
            }
        }

        var email = request.Email!.Trim();
        var normalizedEmail = PartnerRules.NormalizeEmail(email);
        if (await db.Partners.AnyAsync(partner => partner.NormalizedEmail == normalizedEmail, cancellationToken))
        {
            // A concurrent request under the same key may have created it since the replay check: replay that one.
            return await ReplayByKeyAsync(db, idempotencyKey, fingerprint, cancellationToken) ?? DuplicateEmail();
        }

        var now = timeProvider.GetUtcNowForStorage();
        var partner = new Partner
        {
            Id = Guid.CreateVersion7(now),
            Name = request.Name!.Trim(),
            Email = email,
            NormalizedEmail = normalizedEmail,
            Kind = request.Kind!,
            CommissionRate = request.CommissionRate ?? 0m,
            Status = request.Status ?? PartnerStatus.Active,
            ProgramId = request.ProgramId,
            CustomerId = request.CustomerId,
            Budget = request.Budget,
            IdempotencyKey = idempotencyKey,
            IdempotencyFingerprint = idempotencyKey is null ? null : fingerprint,
            CreatedAt = now,
        };
        db.Partners.Add(partner);
        db.AddIntegrationEvent(new PartnerRegistered
        {
            EventId = Guid.CreateVersion7(now),
            OccurredAt = now,
            PartnerId = partner.Id,
            Name = partner.Name,
            Email = partner.Email,
            Kind = partner.Kind,
            CommissionRate = partner.CommissionRate,
        });
        if (partner.Status != PartnerStatus.Active)
        {
            db.AddIntegrationEvent(new PartnerStatusChanged { EventId = Guid.CreateVersion7(now), OccurredAt = now, PartnerId = partner.Id, Status = partner.Status });
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(PartnerConfiguration.UniqueIdempotencyKeyIndex))
        {
            db.ChangeTracker.Clear();
            return Replay(await db.Partners.AsNoTracking().SingleAsync(p => p.IdempotencyKey == idempotencyKey, cancellationToken), fingerprint);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(PartnerConfiguration.UniqueEmailIndex))
        {
            db.ChangeTracker.Clear();
            return await ReplayByKeyAsync(db, idempotencyKey, fingerprint, cancellationToken) ?? DuplicateEmail();
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(PartnerConfiguration.UniqueCustomerIndex))
        {
            db.ChangeTracker.Clear();
            return await ReplayByKeyAsync(db, idempotencyKey, fingerprint, cancellationToken)
                ?? Problems.Conflict("Customer already a partner", "This customer is already a partner of the program.");
        }

        return TypedResults.Created($"/api/attribution/partners/{partner.Id}", PartnerResponse.From(partner));
    }

    private static Results<Created<PartnerResponse>, Ok<PartnerResponse>, ValidationProblem, ProblemHttpResult> Replay(Partner existing, string fingerprint) =>
        IdempotencyKeys.Matches(existing.IdempotencyFingerprint, fingerprint) ? TypedResults.Ok(PartnerResponse.From(existing)) : IdempotencyKeys.Reused();

    /// <summary>
    /// Onboarding and suspension. Links of a partner that is not active stop crediting at once (cache refreshed); a change
    /// publishes <see cref="PartnerStatusChanged"/> (the portal refuses a partner that is not active).
    /// </summary>
    private static async Task<Results<Ok<PartnerResponse>, ValidationProblem, ProblemHttpResult>> UpdatePartnerStatus(
        Guid id, UpdatePartnerStatusRequest request, AttributionDbContext db, LinkCache cache, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (request.Status is null || !PartnerStatus.All.Contains(request.Status, StringComparer.Ordinal))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"status must be one of: {string.Join(", ", PartnerStatus.All)}."] });
        }

        var partner = await db.Partners.SingleOrDefaultAsync(partner => partner.Id == id, cancellationToken);
        if (partner is null)
        {
            return Problems.NotFound("Partner not found", $"No partner has id {id}.");
        }

        if (partner.Status != request.Status)
        {
            var now = timeProvider.GetUtcNowForStorage();
            partner.Status = request.Status;
            db.AddIntegrationEvent(new PartnerStatusChanged { EventId = Guid.CreateVersion7(now), OccurredAt = now, PartnerId = id, Status = partner.Status });
            await db.SaveChangesAsync(cancellationToken);
        }

        var links = await db.Links.AsNoTracking().Where(link => link.PartnerId == id).ToListAsync(cancellationToken);
        foreach (var link in links)
        {
            await cache.ReplaceAsync(CachedLink.From(link, partner.ProgramId, partner.Status != PartnerStatus.Active));
        }

        return TypedResults.Ok(PartnerResponse.From(partner));
    }

    /// <summary>
    /// Any customer can become an ambassador: a partner of kind ambassador with a personal link and code. Asking again for
    /// the same customer of the same program returns the same partner and code (200); so does an <c>Idempotency-Key</c>'s retry.
    /// </summary>
    private static async Task<Results<Created<AmbassadorResponse>, Ok<AmbassadorResponse>, ValidationProblem, ProblemHttpResult>> CreateAmbassador(
        CreateAmbassadorRequest request, [Microsoft.AspNetCore.Mvc.FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey,
        ClaimsPrincipal user, AttributionDbContext db, LinkCache cache, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.ProgramId is null)
        {
            errors["programId"] = ["programId is required."];
        }

        if (request.CustomerId is null || !PartnerRules.IsValidCustomerId(request.CustomerId))
        {
            errors["customerId"] = [$"customerId is required: 1-{PartnerRules.MaxCustomerIdLength} printable characters."];
        }

        if (!PartnerRules.IsValidEmail(CustomerEmail.Normalize(request.Email)))
        {
            errors["email"] = ["email must be a valid address (read as every service reads a shopper's e-mail: invisible characters removed, Unicode NFKC, trimmed, lower-cased)."];
        }

        if (request.TargetUrl is not null && !LinkRules.IsValidTargetUrl(request.TargetUrl))
        {
            errors["targetUrl"] = ["targetUrl must be an absolute http or https URL."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        var keyed = IdempotentRequest.Of(user, nameof(CreateAmbassador), idempotencyKey, request);
        return await db.CreateOnceAsync(keyed, timeProvider, () => EnrolAmbassador(request, keyed, db, cache, timeProvider, cancellationToken), cancellationToken);
    }

    private static async Task<Results<Created<AmbassadorResponse>, Ok<AmbassadorResponse>, ValidationProblem, ProblemHttpResult>> EnrolAmbassador(
        CreateAmbassadorRequest request, IdempotentRequest? keyed, AttributionDbContext db, LinkCache cache, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var program = await db.Programs.AsNoTracking().SingleOrDefaultAsync(program => program.Id == request.ProgramId, cancellationToken);
        if (program is null)
        {
            return Problems.NotFound("Program not found", $"No program has id {request.ProgramId}.");
        }

        var existing = await FindAmbassadorAsync(db, program.Id, request.CustomerId!, cancellationToken);
        if (existing is not null)
        {
            return TypedResults.Ok(existing);
        }

        var targetUrl = request.TargetUrl ?? program.FallbackUrl ?? (program.AllowedHosts.Count > 0 && !program.AllowedHosts[0].StartsWith('*') ? $"https://{program.AllowedHosts[0]}/" : null);
        if (targetUrl is null || (program.AllowedHosts.Count > 0 && !Clicks.RedirectRules.IsAllowed(targetUrl, program.AllowedHosts)))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["targetUrl"] = ["targetUrl is required (on one of the program's allowed hosts) when the program has no fallback URL."] });
        }

        var now = timeProvider.GetUtcNowForStorage();
        // A customer's address, read by the shared rule: the same shopper's e-mail written otherwise is the same ambassador.
        var email = CustomerEmail.Normalize(request.Email)!;
        var partner = new Partner
        {
            Id = Guid.CreateVersion7(now),
            Name = string.IsNullOrWhiteSpace(request.Name) ? email : request.Name.Trim()[..Math.Min(request.Name.Trim().Length, PartnerRules.MaxNameLength)],
            Email = email,
            NormalizedEmail = $"{PartnerRules.NormalizeEmail(email)}#{program.Id:N}"[..Math.Min(PartnerRules.MaxEmailLength, email.Length + 33)],
            Kind = "ambassador",
            Status = PartnerStatus.Active,
            ProgramId = program.Id,
            CustomerId = request.CustomerId,
            CreatedAt = now,
        };
        var link = new ReferralLink { Id = Guid.CreateVersion7(now), PartnerId = partner.Id, Code = LinkCode.Generate(), TargetUrl = targetUrl, CreatedAt = now, UpdatedAt = now };
        db.Partners.Add(partner);
        db.Links.Add(link);
        db.AddIntegrationEvent(new PartnerRegistered
        {
            EventId = Guid.CreateVersion7(now), OccurredAt = now, PartnerId = partner.Id, Name = partner.Name, Email = partner.Email,
            Kind = partner.Kind, CommissionRate = 0m,
        });
        db.AddIntegrationEvent(new ReferralLinkCreated
        {
            EventId = Guid.CreateVersion7(now), OccurredAt = now, LinkId = link.Id, PartnerId = partner.Id, Code = link.Code, TargetUrl = link.TargetUrl,
        });
        var response = new AmbassadorResponse(PartnerResponse.From(partner), link.Code, LinkRules.TrackingPath(link.Code));
        db.RememberAnswer(keyed, response, now);

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(PartnerConfiguration.UniqueCustomerIndex)
            || exception.IsUniqueViolation(PartnerConfiguration.UniqueEmailIndex))
        {
            db.ChangeTracker.Clear();
            return await FindAmbassadorAsync(db, program.Id, request.CustomerId!, cancellationToken) is { } winner
                ? TypedResults.Ok(winner)
                : DuplicateEmail();
        }

        await cache.ReplaceAsync(CachedLink.From(link, partner.ProgramId, partnerInactive: false));
        return TypedResults.Created($"/api/attribution/partners/{partner.Id}", response);
    }

    private static async Task<AmbassadorResponse?> FindAmbassadorAsync(AttributionDbContext db, Guid programId, string customerId, CancellationToken cancellationToken)
    {
        var partner = await db.Partners.AsNoTracking()
            .SingleOrDefaultAsync(partner => partner.ProgramId == programId && partner.CustomerId == customerId, cancellationToken);
        if (partner is null)
        {
            return null;
        }

        var code = await db.Links.AsNoTracking().Where(link => link.PartnerId == partner.Id).OrderBy(link => link.Id)
            .Select(link => link.Code).FirstOrDefaultAsync(cancellationToken) ?? "";
        return new AmbassadorResponse(PartnerResponse.From(partner), code, LinkRules.TrackingPath(code));
    }

    private static async Task<Results<Ok<PageResponse<PartnerResponse>>, ValidationProblem>> ListPartners(
        int? limit, string? after, AttributionDbContext db, CancellationToken cancellationToken)
    {
        if (Paging.Validate(PartnersList, limit, after, out var take, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = db.Partners.AsNoTracking();
        if (afterId is { } cursor)
        {
            query = query.Where(partner => partner.Id.CompareTo(cursor) > 0);
        }

        var rows = await query.OrderBy(partner => partner.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.ToPage(PartnersList, rows, take, partner => partner.Id, PartnerResponse.From));
    }

    private static async Task<Results<Ok<PartnerResponse>, ProblemHttpResult, ForbidHttpResult>> GetPartner(
        Guid id, ClaimsPrincipal user, AttributionDbContext db, CancellationToken cancellationToken)
    {
        if (!user.MayReadPartner(id))
        {
            return TypedResults.Forbid();
        }

        var partner = await db.Partners.AsNoTracking().SingleOrDefaultAsync(partner => partner.Id == id, cancellationToken);
        return partner is null
            ? Problems.NotFound("Partner not found", $"No partner has id {id}.")
            : TypedResults.Ok(PartnerResponse.From(partner));
    }

    /// <summary>The partner a request under <paramref name="idempotencyKey"/> created, answered as its replay; null without one.</summary>
    private static async Task<Results<Created<PartnerResponse>, Ok<PartnerResponse>, ValidationProblem, ProblemHttpResult>?> ReplayByKeyAsync(
        AttributionDbContext db, string? idempotencyKey, string fingerprint, CancellationToken cancellationToken) =>
        idempotencyKey is not null && await db.Partners.AsNoTracking().SingleOrDefaultAsync(p => p.IdempotencyKey == idempotencyKey, cancellationToken) is { } created
            ? Replay(created, fingerprint)
            : null;

    private static ProblemHttpResult DuplicateEmail() =>
        Problems.Conflict("Email already registered", "A partner with this email already exists.");
}
