using Microsoft.AspNetCore.Http.HttpResults;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Surveys.Api.Decisions;

public static class DecisionEndpoints
{
    public static RouteGroupBuilder MapDecisionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/surveys").WithTags("Decisions").RequireAuthorization(PartnerMeshPolicies.Storefront);
        group.MapPost("/decisions", Decide).WithName(nameof(Decide))
            .WithSummary("Which survey, if any, to show this visitor now")
            .ProducesValidationProblem();
        return group;
    }

    private static async Task<Results<Ok<DecisionResponse>, ValidationProblem>> Decide(
        DecisionRequest request, DecisionService decisions, CancellationToken cancellationToken)
    {
        if (Targeting.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await decisions.DecideAsync(request, cancellationToken));
    }
}
