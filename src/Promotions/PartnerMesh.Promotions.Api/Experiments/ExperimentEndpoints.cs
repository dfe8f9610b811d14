using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Promotions.Api.Experiments;

public static class ExperimentEndpoints
{
    internal const string ExperimentsList = "promotions.experiments";

    public static RouteGroupBuilder MapExperimentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/promotions/experiments").WithTags("Experiments").RequireAuthorization(PartnerMeshPolicies.Admin);

        group.MapPost("/", CreateExperiment).WithName(nameof(CreateExperiment)).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/", ListExperiments).WithName(nameof(ListExperiments));
        group.MapGet("/{id:guid}", GetExperiment).WithName(nameof(GetExperiment));
        group.MapGet("/{id:guid}/results", GetExperimentResults).WithName(nameof(GetExperimentResults));
        group.MapPost("/{id:guid}/start", StartExperiment).WithName(nameof(StartExperiment)).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{id:guid}/stop", StopExperiment).WithName(nameof(StopExperiment)).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{id:guid}/winner", PromoteWinner).WithName(nameof(PromoteWinner)).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        return group;
    }

    /// <summary>With an <c>Idempotency-Key</c>, a retry of the same request answers 200 with the experiment the first
    /// created; the key with another request is a 409.</summary>
    private static async Task<Results<Created<ExperimentResponse>, Ok<ExperimentResponse>, ValidationProblem, ProblemHttpResult>> CreateExperiment(
        CreateExperimentRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, ExperimentService experiments,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (ExperimentRules.Validate(request) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        var result = await experiments.CreateAsync(request, idempotencyKey, Actor.Of(user), cancellationToken);
        return result.Outcome switch
        {
            ExperimentOutcome.Done => TypedResults.Created($"/api/promotions/experiments/{result.Experiment!.Id}", result.Experiment),
            ExperimentOutcome.Replayed => TypedResults.Ok(result.Experiment!),
            _ => Problem(result),
        };
    }

    /// <summary>Experiments by id, oldest first; pass <c>nextCursor</c> as <c>after</c> for the next page.</summary>
    private static async Task<Results<Ok<PageResponse<ExperimentResponse>>, ValidationProblem>> ListExperiments(
        ExperimentService experiments, CancellationToken cancellationToken, int? limit = null, string? after = null)
    {
        if (Paging.Validate(ExperimentsList, limit, after, out var take, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await experiments.ListAsync(take, afterId, cancellationToken));
    }

    private static async Task<Results<Ok<ExperimentResponse>, ProblemHttpResult>> GetExperiment(
        Guid id, ExperimentService experiments, CancellationToken cancellationToken) =>
        await experiments.FindAsync(id, cancellationToken) is { } experiment ? TypedResults.Ok(experiment) : NotFound(id);

    private static async Task<Results<Ok<ExperimentResults>, ProblemHttpResult>> GetExperimentResults(
        Guid id, ExperimentService experiments, CancellationToken cancellationToken) =>
        await experiments.ResultsAsync(id, cancellationToken) is { } results ? TypedResults.Ok(results) : NotFound(id);

    private static async Task<Results<Ok<ExperimentResponse>, ProblemHttpResult>> StartExperiment(
        Guid id, ExperimentService experiments, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        ToResult(id, await experiments.StartAsync(id, Actor.Of(user), cancellationToken));

    private static async Task<Results<Ok<ExperimentResponse>, ProblemHttpResult>> StopExperiment(
        Guid id, ExperimentService experiments, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        ToResult(id, await experiments.StopAsync(id, Actor.Of(user), cancellationToken));

    private static async Task<Results<Ok<ExperimentResponse>, ValidationProblem, ProblemHttpResult>> PromoteWinner(
        Guid id, PromoteWinnerRequest request, ExperimentService experiments, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Variant) || request.Variant.Length > 64)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["variant"] = ["The winning variant's key (or 'holdout')."] });
        }

        return ToResult(id, await experiments.PromoteWinnerAsync(id, request.Variant, Actor.Of(user), cancellationToken)) switch
        {
            { Result: Ok<ExperimentResponse> ok } => ok,
            { Result: ProblemHttpResult problem } => problem,
            _ => throw new InvalidOperationException("Unexpected result."),
        };
    }

    private static Results<Ok<ExperimentResponse>, ProblemHttpResult> ToResult(Guid id, ExperimentResult result) => result.Outcome switch
    {
        ExperimentOutcome.Done => TypedResults.Ok(result.Experiment!),
        ExperimentOutcome.NotFound => NotFound(id),
        _ => Problem(result),
    };

    private static ProblemHttpResult Problem(ExperimentResult result) => result.Outcome switch
    {
        ExperimentOutcome.Unprocessable => Problems.Unprocessable("Experiment refused", result.Problem),
        ExperimentOutcome.KeyReused => IdempotencyKeys.Reused(result.Problem),
        _ => Problems.Conflict("Experiment cannot change this way", result.Problem),
    };

    private static ProblemHttpResult NotFound(Guid id) => Problems.NotFound("Experiment not found", $"No experiment has id {id}.");
}
