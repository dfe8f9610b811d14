using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Surveys.Api.Common;
using PartnerMesh.Surveys.Api.Infrastructure;

namespace PartnerMesh.Surveys.Api.Decisions;

public static class DecisionEndpoints
{
    public static RouteGroupBuilder MapDecisionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/surveys").WithTags("Decisions").RequireAuthorization(PartnerMeshPolicies.Storefront);
        group.MapPost("/decisions", Decide).WithName(nameof(Decide))
            .WithSummary("Which survey, if any, to show this visitor now (a retry with the same Idempotency-Key gets the same showing)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Results<Ok<DecisionResponse>, ValidationProblem, ProblemHttpResult>> Decide(
        DecisionRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, DecisionService decisions,
        HttpContext httpContext, CancellationToken cancellationToken)
    {
        if (Targeting.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        // Ids trimmed as the customer id is keyed: " v1 " is the visitor v1 (frequency, sampling, the showing's visitor);
        // the campaign and the traffic source as analytics takes them, so " Spring\t" is campaign spring in both.
        request = request with
        {
            VisitorId = request.VisitorId!.Trim(), CustomerId = request.CustomerId?.Trim(),
            CampaignId = DimensionValues.Normalize(request.CampaignId), TrafficSource = DimensionValues.Normalize(request.TrafficSource),
        };

        if (idempotencyKey is null)
        {
            return TypedResults.Ok(await decisions.DecideAsync(request, cancellationToken));
        }

        // The database only for a keyed decision: the decision without a key reads no database.
        var db = httpContext.RequestServices.GetRequiredService<SurveysDbContext>();
        return await decisions.DecideOnceAsync(request, idempotencyKey, db, cancellationToken) is { } decision
            ? TypedResults.Ok(decision)
            : IdempotencyKeys.Reused();
    }
}
