using Microsoft.AspNetCore.Http.HttpResults;
using PartnerMesh.Promotions.Api.EvaluationLog;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Promotions.Api.Evaluations;

public static class EvaluationEndpoints
{
    public static RouteGroupBuilder MapEvaluationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/promotions/evaluations")
            .WithTags("Evaluations")
            .RequireAuthorization(PartnerMeshPolicies.Storefront);

        group.MapPost("/", EvaluateCart).WithName(nameof(EvaluateCart));

        return group;
    }

    /// <summary>Prices a cart (or one product) at a touchpoint; at checkout, also reserves the budgets it uses.</summary>
    private static async Task<Results<Ok<EvaluationResponse>, ValidationProblem>> EvaluateCart(
        EvaluateRequest request, EvaluationService evaluations, EvaluationLogRecorder log, CancellationToken cancellationToken)
    {
        if (EvaluateRequestRules.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            return TypedResults.Ok(await evaluations.EvaluateAsync(request, cancellationToken));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            log.Failed(request, exception);
            throw;
        }
    }
}
