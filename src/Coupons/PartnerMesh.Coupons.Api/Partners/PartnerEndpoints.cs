using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Coupons.Api.Infrastructure;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Coupons.Api.Partners;

public static class PartnerEndpoints
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    private static readonly Expression<Func<Partner, PartnerResponse>> ToResponse =
        partner => new PartnerResponse(partner.Id, partner.Name, partner.Kind, partner.RegisteredAt);

    public static RouteGroupBuilder MapPartnerEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/coupons/partners").WithTags("Partners").RequireAuthorization(PartnerMeshPolicies.Admin);

        group.MapGet("/", ListPartners).WithName(nameof(ListPartners));
        group.MapGet("/{id:guid}", GetPartner).WithName(nameof(GetPartner));

        return group;
    }

    /// <summary>Known partners ordered by id; pass a page's <c>next</c> as <c>after</c> to read the following page.</summary>
    private static async Task<Results<Ok<PartnerPage>, ValidationProblem>> ListPartners(
        CouponsDbContext db, CancellationToken cancellationToken, int limit = DefaultLimit, Guid? after = null)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {MaxLimit}."] });
        }

        var partners = await db.Partners.AsNoTracking()
            .Where(partner => after == null || partner.Id > after)
            .OrderBy(partner => partner.Id)
            .Take(limit + 1)
            .Select(ToResponse)
            .ToListAsync(cancellationToken);

        var items = partners.Count > limit ? partners[..limit] : partners;
        return TypedResults.Ok(new PartnerPage(items, partners.Count > limit ? items[^1].Id : null));
    }

    private static async Task<Results<Ok<PartnerResponse>, ProblemHttpResult>> GetPartner(
        Guid id, CouponsDbContext db, CancellationToken cancellationToken) =>
        await db.Partners.AsNoTracking().Where(partner => partner.Id == id).Select(ToResponse).SingleOrDefaultAsync(cancellationToken) is { } partner
            ? TypedResults.Ok(partner)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Partner not found",
                detail: $"No partner {id} has been registered with this service.");
}

public sealed record PartnerResponse(Guid Id, string Name, string Kind, DateTimeOffset RegisteredAt);

public sealed record PartnerPage(IReadOnlyList<PartnerResponse> Items, Guid? Next);
