using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;
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

        // Trimmed as the customer id is keyed: " v1 " is the visitor v1 (frequency, sampling, the showing's visitor).
        request = request with { VisitorId = request.VisitorId!.Trim() };

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
