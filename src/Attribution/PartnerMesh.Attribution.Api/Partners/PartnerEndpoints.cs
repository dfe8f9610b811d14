using PartnerMesh.ServiceDefaults.WebApi;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Infrastructure.Configurations;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Data;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Attribution.Api.Partners;

public static class PartnerEndpoints
{
    public static RouteGroupBuilder MapPartnerEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/attribution/partners").WithTags("Partners");

        group.MapPost("/", CreatePartner).WithName(nameof(CreatePartner)).RequireAuthorization(PartnerMeshPolicies.Admin)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListPartners).WithName(nameof(ListPartners)).RequireAuthorization(PartnerMeshPolicies.Admin);
        group.MapGet("/{id:guid}", GetPartner).WithName(nameof(GetPartner)).RequireAuthorization(PartnerMeshPolicies.PartnerOrAdmin)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    private static async Task<Results<Created<PartnerResponse>, ValidationProblem, ProblemHttpResult>> CreatePartner(
        CreatePartnerRequest request, AttributionDbContext db, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (PartnerRules.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var email = request.Email!.Trim();
        var normalizedEmail = PartnerRules.NormalizeEmail(email);
        if (await db.Partners.AnyAsync(partner => partner.NormalizedEmail == normalizedEmail, cancellationToken))
        {
            return DuplicateEmail();
        }

        var now = timeProvider.GetUtcNowForStorage();
        var partner = new Partner
        {
            Id = Guid.CreateVersion7(now),
            Name = request.Name!.Trim(),
            Email = email,
            NormalizedEmail = normalizedEmail,
            Kind = request.Kind!,
            CommissionRate = request.CommissionRate!.Value,
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

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(PartnerConfiguration.UniqueEmailIndex))
        {
            return DuplicateEmail();
        }

        return TypedResults.Created($"/api/attribution/partners/{partner.Id}", PartnerResponse.From(partner));
    }

    private static async Task<Results<Ok<PageResponse<PartnerResponse>>, ValidationProblem>> ListPartners(
        int? limit, string? after, AttributionDbContext db, CancellationToken cancellationToken)
    {
        if (Paging.Validate(limit, after, out var take, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = db.Partners.AsNoTracking();
        if (afterId is { } cursor)
        {
            query = query.Where(partner => partner.Id.CompareTo(cursor) > 0);
        }

        var rows = await query.OrderBy(partner => partner.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.ToPage(rows, take, partner => partner.Id, PartnerResponse.From));
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

    private static ProblemHttpResult DuplicateEmail() =>
        Problems.Conflict("Email already registered", "A partner with this email already exists.");
}
