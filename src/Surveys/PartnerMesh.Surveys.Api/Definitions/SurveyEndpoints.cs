using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Surveys.Api.Common;

namespace PartnerMesh.Surveys.Api.Definitions;

public static class SurveyEndpoints
{
    internal const string SurveysList = "surveys.surveys";

    public static RouteGroupBuilder MapSurveyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/surveys/surveys").WithTags("Surveys").RequireAuthorization(PartnerMeshPolicies.Admin);
        group.MapPost("/", CreateSurvey).WithName(nameof(CreateSurvey)).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListSurveys).WithName(nameof(ListSurveys)).ProducesValidationProblem();
        group.MapGet("/{id:guid}", GetSurvey).WithName(nameof(GetSurvey)).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id:guid}", UpdateSurvey).WithName(nameof(UpdateSurvey))
            .WithSummary("Replace a survey; changed questions make a new version").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}/versions/{version:int}", GetSurveyVersion).WithName(nameof(GetSurveyVersion)).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/pause", PauseSurvey).WithName(nameof(PauseSurvey)).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/resume", ResumeSurvey).WithName(nameof(ResumeSurvey)).ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/api/surveys/reason-codes", () => TypedResults.Ok(ReasonCodes.Abandonment)).WithName("GetReasonCodes").WithTags("Surveys")
            .RequireAuthorization(PartnerMeshPolicies.Storefront);
        return group;
    }

    private static async Task<Results<Created<SurveyView>, Ok<SurveyView>, ValidationProblem, ProblemHttpResult>> CreateSurvey(
        SaveSurveyRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, SurveyService surveys, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        if (SurveyRules.Validate(request, out var questions) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        var (outcome, survey) = await surveys.CreateAsync(request, questions, idempotencyKey, Actor.Of(user), cancellationToken);
        return outcome switch
        {
            SaveOutcome.Created => TypedResults.Created($"/api/surveys/surveys/{survey!.Id}", survey),
            SaveOutcome.Replayed => TypedResults.Ok(survey!),
            _ => IdempotencyKeys.Reused($"Idempotency-Key '{idempotencyKey}' was already used for a different survey."),
        };
    }

    /// <summary>Oldest first, cursor-paged like every list.</summary>
    private static async Task<Results<Ok<PageResponse<SurveyView>>, ValidationProblem>> ListSurveys(
        SurveyService surveys, CancellationToken cancellationToken, int? limit = null, string? after = null)
    {
        if (Paging.Validate(SurveysList, limit, after, out var take, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await surveys.ListAsync(take, afterId, cancellationToken));
    }

    private static async Task<Results<Ok<SurveyView>, ProblemHttpResult>> GetSurvey(Guid id, SurveyService surveys, CancellationToken cancellationToken) =>
        await surveys.FindAsync(id, cancellationToken) is { } survey ? TypedResults.Ok(survey) : NotFound(id);

    private static async Task<Results<Ok<SurveyView>, ValidationProblem, ProblemHttpResult>> UpdateSurvey(
        Guid id, SaveSurveyRequest request, SurveyService surveys, CancellationToken cancellationToken)
    {
        if (SurveyRules.Validate(request, out var questions) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (outcome, survey) = await surveys.UpdateAsync(id, request, questions, cancellationToken);
        return outcome == SaveOutcome.NotFound ? NotFound(id) : TypedResults.Ok(survey!);
    }

    private static async Task<Results<Ok<SurveyVersionResponse>, ProblemHttpResult>> GetSurveyVersion(
        Guid id, int version, SurveyService surveys, CancellationToken cancellationToken) =>
        await surveys.FindVersionAsync(id, version, cancellationToken) is { } found
            ? TypedResults.Ok(found)
            : Problems.NotFound("Survey version not found", $"Survey {id} has no version {version}.");

    private static async Task<Results<Ok<SurveyView>, ProblemHttpResult>> PauseSurvey(Guid id, SurveyService surveys, CancellationToken cancellationToken) =>
        await surveys.SetPausedAsync(id, true, cancellationToken) is { } survey ? TypedResults.Ok(survey) : NotFound(id);

    private static async Task<Results<Ok<SurveyView>, ProblemHttpResult>> ResumeSurvey(Guid id, SurveyService surveys, CancellationToken cancellationToken) =>
        await surveys.SetPausedAsync(id, false, cancellationToken) is { } survey ? TypedResults.Ok(survey) : NotFound(id);

    private static ProblemHttpResult NotFound(Guid id) => Problems.NotFound("Survey not found", $"No survey {id} exists.");
}
