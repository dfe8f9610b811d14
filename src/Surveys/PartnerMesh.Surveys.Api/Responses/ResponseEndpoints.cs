using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Surveys.Api.Common;
using PartnerMesh.Surveys.Api.Decisions;

namespace PartnerMesh.Surveys.Api.Responses;

public static class ResponseEndpoints
{
    public static RouteGroupBuilder MapResponseEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/surveys").WithTags("Responses").RequireAuthorization(PartnerMeshPolicies.Storefront);
        group.MapPost("/responses", SubmitResponse).WithName(nameof(SubmitResponse))
            .WithSummary("Submit a response to a showing, or directly to a live survey whose audience fits its context (idempotent with Idempotency-Key; a second response to the same showing is a 409)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return group;
    }

    private static async Task<Results<Created<ResponseView>, Ok<ResponseView>, ValidationProblem, ProblemHttpResult>> SubmitResponse(
        SubmitResponseRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, ResponseService responses,
        CancellationToken cancellationToken)
    {
        if (ResponseRules.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        // Ids trimmed as the customer id is keyed: " v1 " is the visitor v1, who answers a once survey once; the campaign
        // and the traffic source as analytics takes them, so " Spring\t" is campaign spring in both.
        request = request with
        {
            VisitorId = request.VisitorId!.Trim(), CustomerId = request.CustomerId?.Trim(),
            CampaignId = DimensionValues.Normalize(request.CampaignId), TrafficSource = DimensionValues.Normalize(request.TrafficSource),
        };
        return ToResult(await responses.SubmitAsync(request, idempotencyKey, cancellationToken));
    }

    public static Results<Created<ResponseView>, Ok<ResponseView>, ValidationProblem, ProblemHttpResult> ToResult(SubmitResult result) => result.Outcome switch
    {
        SubmitOutcome.Created => TypedResults.Created($"/api/surveys/responses/{result.Response!.Id}", result.Response),
        SubmitOutcome.Replayed => TypedResults.Ok(result.Response!),
        SubmitOutcome.Invalid => TypedResults.ValidationProblem(result.Errors!),
        SubmitOutcome.NotFound => Problems.NotFound("Survey not found", result.Detail),
        SubmitOutcome.AlreadySubmitted => Problems.Refused(StatusCodes.Status409Conflict, "already-submitted", "Already submitted", result.Detail),
        SubmitOutcome.IdempotencyConflict => IdempotencyKeys.Reused(result.Detail),
        SubmitOutcome.NotEligible => Eligibility.NotEligible(result.Eligibility!, result.Detail!),
        SubmitOutcome.EmailLinkShowing => Problems.Refused(StatusCodes.Status422UnprocessableEntity, "email-link-showing", "Answer through the email link", result.Detail),
        _ => Problems.Refused(StatusCodes.Status422UnprocessableEntity, "context-mismatch", "Response does not match the showing", result.Detail),
    };
}
