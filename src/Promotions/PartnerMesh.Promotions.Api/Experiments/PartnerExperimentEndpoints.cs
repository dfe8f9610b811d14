using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Promotions.Api.Experiments;

/// <summary>An experiment as its partner sees it: the variants' keys and shares, not the merchant's promotion set-up.</summary>
public sealed record PartnerExperimentResponse(
    Guid Id, string Name, string Status, IReadOnlyList<PartnerVariant> Variants, int HoldoutPercent, string? Winner,
    DateTimeOffset? StartedAt, DateTimeOffset? EndedAt);

public sealed record PartnerVariant(string Key, int Weight, bool IsControl);

/// <summary>
/// The experiments scoped to one partner's traffic, for that partner (the partner portal): the partner comes from the
/// token; an admin names it with <c>partnerId</c>. Other partners' experiments and experiments over all traffic are not
/// listed, and their results are 404.
/// </summary>
public static class PartnerExperimentEndpoints
{
    private const string PartnerExperimentsList = "promotions.partner-experiments";

    public static RouteGroupBuilder MapPartnerExperimentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/promotions/partner-experiments").WithTags("Partner experiments").RequireAuthorization(PartnerMeshPolicies.PartnerOrAdmin);
        group.MapGet("/", ListPartnerExperiments).WithName(nameof(ListPartnerExperiments)).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/{id:guid}/results", GetPartnerExperimentResults).WithName(nameof(GetPartnerExperimentResults))
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>The partner's experiments, newest first; pass <c>nextCursor</c> as <c>after</c> for the next page.</summary>
    private static async Task<Results<Ok<PageResponse<PartnerExperimentResponse>>, ValidationProblem, ProblemHttpResult>> ListPartnerExperiments(
        ClaimsPrincipal user, PromotionsDbContext db, CancellationToken cancellationToken, Guid? partnerId = null, int? limit = null, string? after = null)
    {
        if (Partner(user, partnerId) is not { } partner)
        {
            return Refuse(user);
        }

        if (Paging.Validate(PartnerExperimentsList, limit, after, out var take, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = db.Experiments.AsNoTracking().Where(experiment => experiment.PartnerId == partner);
        if (afterId is { } cursor)
        {
            query = query.Where(experiment => experiment.Id.CompareTo(cursor) < 0);
        }

        var rows = await query.OrderByDescending(experiment => experiment.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.ToPage(PartnerExperimentsList, rows, take, experiment => experiment.Id, experiment => new PartnerExperimentResponse(
            experiment.Id, experiment.Name, experiment.Status,
            [.. ExperimentVariants.Read(experiment.Variants).Select(variant => new PartnerVariant(variant.Key, variant.Weight, variant.PromotionId is null))],
            experiment.HoldoutPercent, experiment.Winner, experiment.StartedAt, experiment.EndedAt)));
    }

    /// <summary>Results per variant (exposures, conversions, AOV, the tests against the baseline), as program managers see them.</summary>
    private static async Task<Results<Ok<ExperimentResults>, ValidationProblem, ProblemHttpResult>> GetPartnerExperimentResults(
        Guid id, ClaimsPrincipal user, PromotionsDbContext db, ExperimentService experiments, CancellationToken cancellationToken, Guid? partnerId = null)
    {
        if (Partner(user, partnerId) is not { } partner)
        {
            return Refuse(user);
        }

        return await db.Experiments.AsNoTracking().AnyAsync(experiment => experiment.Id == id && experiment.PartnerId == partner, cancellationToken)
            && await experiments.ResultsAsync(id, cancellationToken) is { } results
            ? TypedResults.Ok(results)
            : Problems.NotFound("Experiment not found", $"No experiment {id} is scoped to partner {partner}.");
    }

    /// <summary>The token's partner (a <c>partnerId</c> naming another is refused); for an admin, <c>partnerId</c>.</summary>
    private static Guid? Partner(ClaimsPrincipal user, Guid? partnerId) =>
        user.PartnerId() is { } own ? (partnerId is null || partnerId == own ? own : null)
        : user.IsAdmin() ? partnerId
        : null;

    private static ProblemHttpResult Refuse(ClaimsPrincipal user) => user.PartnerId() is not null || !user.IsAdmin()
        ? TypedResults.Problem("A partner reads only its own experiments.", statusCode: StatusCodes.Status403Forbidden, title: "Not your partner")
        : TypedResults.Problem("An admin names the partner with partnerId.", statusCode: StatusCodes.Status400BadRequest, title: "partnerId is required");
}
