using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PartnerMesh.Promotions.Api.EvaluationLog;
using PartnerMesh.Promotions.Api.RuleSets;
using PartnerMesh.Promotions.Domain.Evaluation;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Promotions.Api.Evaluations;

public static class EvaluationEndpoints
{
    public static RouteGroupBuilder MapEvaluationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/promotions/evaluations")
            .WithTags("Evaluations")
            .RequireAuthorization(PartnerMeshPolicies.Storefront);

        group.MapPost("/", EvaluateCart).WithName(nameof(EvaluateCart))
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        return group;
    }

    /// <summary>Prices a cart (or one product) at a touchpoint; at checkout, also reserves the budgets it uses, once per
    /// <c>Idempotency-Key</c> when one is sent (the key is ignored elsewhere: nothing is reserved there). With <c>at</c> it
    /// is a preview of another time: no quote, nothing reserved. A <c>partnerId</c> no registered partner has is 422, as on
    /// the product page.</summary>
    private static async Task<Results<Ok<EvaluationResponse>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> EvaluateCart(
        EvaluateRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, EvaluationService evaluations,
        PartnerRegistry partners, EvaluationLogRecorder log, HttpContext context, CancellationToken cancellationToken)
    {
        if (EvaluateRequestRules.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (request.PartnerId is { } partnerId && !await partners.IsKnownAsync(partnerId, cancellationToken))
        {
            return Problems.Unprocessable("Unknown partner", $"No partner {partnerId} is known.");
        }

        if (idempotencyKey is not null && request.Touchpoint == Touchpoint.Checkout && request.At is null)
        {
            return await CheckoutIdempotency.EvaluateOnceAsync(request, idempotencyKey, evaluations, log, context, cancellationToken);
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
