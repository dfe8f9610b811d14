using PartnerMesh.ServiceDefaults.WebApi;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Mvc;
using PartnerMesh.Promotions.Api.Audit;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.Promotions.Api.Evaluations;
using PartnerMesh.Promotions.Api.Idempotency;
using PartnerMesh.Promotions.Api.RuleSets;
using PartnerMesh.Promotions.Domain.Audit;
using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Promotions.Api.Definitions;

public static class PromotionEndpoints
{
    internal const string DefinitionsList = "promotions.definitions";
    internal const string VersionsList = "promotions.definition-versions";
    internal const string HistoryList = "promotions.definition-history";

    public const int MaxReasonLength = 500;

    public static RouteGroupBuilder MapPromotionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/promotions/definitions")
            .WithTags("Promotions")
            .RequireAuthorization(PartnerMeshPolicies.Admin);

        group.MapPost("/", CreatePromotion).WithName(nameof(CreatePromotion))
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListPromotions).WithName(nameof(ListPromotions));
        group.MapGet("/{id:guid}", GetPromotion).WithName(nameof(GetPromotion)).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id:guid}", UpdatePromotion).WithName(nameof(UpdatePromotion))
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{id:guid}/publish", PublishPromotion).WithName(nameof(PublishPromotion)).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{id:guid}/pause", PausePromotion).WithName(nameof(PausePromotion)).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/resume", ResumePromotion).WithName(nameof(ResumePromotion)).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/end", EndPromotion).WithName(nameof(EndPromotion)).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/rollback", RollbackPromotion).WithName(nameof(RollbackPromotion))
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPut("/{id:guid}/rollout", ChangeRollout).WithName(nameof(ChangeRollout)).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id:guid}/versions", ListPromotionVersions).WithName(nameof(ListPromotionVersions));
        group.MapGet("/{id:guid}/history", ListPromotionHistory).WithName(nameof(ListPromotionHistory));
        group.MapGet("/{id:guid}/versions/{version:int}", GetPromotionVersion).WithName(nameof(GetPromotionVersion));
        group.MapGet("/{id:guid}/diff", DiffPromotionVersions).WithName(nameof(DiffPromotionVersions));
        group.MapPost("/{id:guid}/dry-run", DryRunPromotion).WithName(nameof(DryRunPromotion));

        return group;
    }

    private static async Task<Results<Created<PromotionResponse>, Ok<PromotionResponse>, ValidationProblem, ProblemHttpResult>> CreatePromotion(
        SavePromotionRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey,
        PromotionCatalog catalog, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (ValidateSave(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        var result = await catalog.CreateAsync(request.Definition, request.Reason, idempotencyKey, Actor.Of(user), cancellationToken);
        return result.Outcome switch
        {
            CatalogOutcome.Done => TypedResults.Created($"/api/promotions/definitions/{result.Promotion!.Id}", result.Promotion),
            CatalogOutcome.Replayed => TypedResults.Ok(result.Promotion!),
            _ => IdempotencyKeys.Reused(result.Problem),
        };
    }

    /// <summary>Promotions by id; <c>status</c> filters; pass <c>nextCursor</c> as <c>after</c> for the next page.</summary>
    private static async Task<Results<Ok<PageResponse<PromotionResponse>>, ValidationProblem>> ListPromotions(
        PromotionCatalog catalog, HttpRequest httpRequest, CancellationToken cancellationToken, string? status = null, int? limit = null,
        string? after = null)
    {
        if (Paging.Validate(DefinitionsList, limit, RenamedCursor.AfterOrCursor(after, httpRequest), out var take, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        string[] statuses = [PromotionStatuses.Draft, PromotionStatuses.Scheduled, PromotionStatuses.Active, PromotionStatuses.Paused, PromotionStatuses.Ended];
        if (status is not null && !statuses.Contains(status))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"One of {string.Join(", ", statuses)}."] });
        }

        return TypedResults.Ok(await catalog.ListAsync(status, afterId, take, cancellationToken));
    }

    /// <summary>The promotion, with its latest version as <c>ETag</c> (send it as <c>If-Match</c> when editing).</summary>
    private static async Task<Results<Ok<PromotionResponse>, ProblemHttpResult>> GetPromotion(
        Guid id, PromotionCatalog catalog, HttpResponse response, CancellationToken cancellationToken)
    {
        if (await catalog.FindAsync(id, cancellationToken) is not { } promotion)
        {
            return NotFound(id);
        }

        response.Headers.ETag = ETag(promotion);
        return TypedResults.Ok(promotion);
    }

    /// <summary>A new version, live once published; the definition the latest version already has adds none (200, as it is).
    /// Send <c>If-Match</c> with the ETag read (the latest version) to refuse overwriting someone else's edit (412); without
    /// it the edit is made whatever was read.</summary>
    private static async Task<Results<Ok<PromotionResponse>, ValidationProblem, ProblemHttpResult>> UpdatePromotion(
        Guid id, SavePromotionRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, PromotionCatalog catalog, ClaimsPrincipal user,
        HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = ValidateSave(request) ?? [];
        var expected = VersionPrecondition.Read(ifMatch, "promotion", errors);

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = await catalog.UpdateAsync(id, request.Definition, request.Reason, expected, Actor.Of(user), cancellationToken);
        if (result.Promotion is { } promotion)
        {
            response.Headers.ETag = ETag(promotion);
        }

        return ToResult(id, result);
    }

    private static string ETag(PromotionResponse promotion) => $"\"{promotion.LatestVersion}\"";

    /// <summary>Refused (422, with the audit's <c>findings</c>) when the version would create a blocking conflict.</summary>
    private static async Task<Results<Ok<PromotionResponse>, ValidationProblem, ProblemHttpResult>> PublishPromotion(
        Guid id, [FromBody] ChangeRequest? request, PromotionCatalog catalog, PromotionAuditService audit, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        if (ValidateReason(request) is { } invalid)
        {
            return invalid;
        }

        if (await catalog.LatestAsync(id, cancellationToken) is { } latest
            && await audit.BlockingForPublishAsync(id, latest.Definition, cancellationToken) is { Count: > 0 } blocking)
        {
            return PublishBlocked(blocking);
        }

        return ToResult(id, await catalog.PublishAsync(id, Reason(request), Actor.Of(user), cancellationToken));
    }

    private static ProblemHttpResult PublishBlocked(IReadOnlyList<AuditFinding> blocking) => TypedResults.Problem(
        string.Join(" ", blocking.Select(finding => $"{finding.Code}: {finding.Detail}.")),
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "Publishing would create a blocking conflict",
        extensions: new Dictionary<string, object?> { ["reason"] = blocking[0].Code, ["findings"] = blocking });

    /// <summary>Stops the promotion until resumed; <c>reason</c> is required (the history says why it stopped).</summary>
    private static async Task<Results<Ok<PromotionResponse>, ValidationProblem, ProblemHttpResult>> PausePromotion(
        Guid id, [FromBody] ChangeRequest? request, PromotionCatalog catalog, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        ValidateReason(request) is { } invalid
            ? invalid
            : ToResult(id, await catalog.PauseAsync(id, Reason(request), Actor.Of(user), cancellationToken));

    private static async Task<Results<Ok<PromotionResponse>, ValidationProblem, ProblemHttpResult>> ResumePromotion(
        Guid id, [FromBody] ChangeRequest? request, PromotionCatalog catalog, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        ValidateReason(request) is { } invalid
            ? invalid
            : ToResult(id, await catalog.ResumeAsync(id, Reason(request), Actor.Of(user), cancellationToken));

    /// <summary>Ends the promotion for good; <c>reason</c> is required (the history says why it ended).</summary>
    private static async Task<Results<Ok<PromotionResponse>, ValidationProblem, ProblemHttpResult>> EndPromotion(
        Guid id, [FromBody] ChangeRequest? request, PromotionCatalog catalog, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        ValidateReason(request) is { } invalid
            ? invalid
            : ToResult(id, await catalog.EndAsync(id, Reason(request), Actor.Of(user), cancellationToken));

    /// <summary>
    /// Publishes a copy of an earlier version, so it passes what publishing and saving check: today's validation rules
    /// (422 with <c>errors</c>) and the audit with that version live (422 with <c>findings</c>). An unknown version is a 404.
    /// </summary>
    /// <remarks>With an <c>Idempotency-Key</c>, a retry of the same request (same promotion, version and reason) gets the first
    /// answer again (200) and rolls back nothing more; the key with another request is a 409.</remarks>
    private static async Task<Results<Ok<PromotionResponse>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> RollbackPromotion(
        Guid id, RollbackRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, PromotionCatalog catalog,
        PromotionAuditService audit, IdempotentRequests keys, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, TimeProvider timeProvider, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        if (request.Version < 1 || request.Reason is { Length: > MaxReasonLength })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["version"] = [$"Name an existing version (1 or more); a reason has at most {MaxReasonLength} characters."] });
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        if (idempotencyKey is null)
        {
            return Widen(await RollbackAsync(id, request, catalog, audit, user, cancellationToken));
        }

        await using var claim = await keys.ClaimAsync(
            IdempotentOperations.DefinitionRollback, Actor.Of(user), idempotencyKey, IdempotencyKeys.Fingerprint(new { id, request }), cancellationToken);
        if (claim.Earlier is { } earlier)
        {
            return claim.IsRetry
                ? TypedResults.Text(earlier.Response, "application/json", Encoding.UTF8)
                : IdempotencyKeys.Reused($"Idempotency-Key '{idempotencyKey}' was already used for another rollback request.");
        }

        // Not cancellable once the key is held: a retry must find this answer rather than roll back again.
        var result = await RollbackAsync(id, request, catalog, audit, user, CancellationToken.None);
        if (result.Result is Ok<PromotionResponse> { Value: { } promotion })
        {
            await claim.CompleteAsync(JsonSerializer.Serialize(promotion, json.Value.SerializerOptions),
                timeProvider.GetUtcNow() + IdempotentRequests.DefinitionKeyLifetime);
        }

        return Widen(result);
    }

    private static Results<Ok<PromotionResponse>, ContentHttpResult, ValidationProblem, ProblemHttpResult> Widen(
        Results<Ok<PromotionResponse>, ValidationProblem, ProblemHttpResult> result) => result.Result switch
        {
            Ok<PromotionResponse> ok => ok,
            ValidationProblem validation => validation,
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException("Unexpected result."),
        };

    private static async Task<Results<Ok<PromotionResponse>, ValidationProblem, ProblemHttpResult>> RollbackAsync(
        Guid id, RollbackRequest request, PromotionCatalog catalog, PromotionAuditService audit, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        if (await catalog.VersionAsync(id, request.Version, cancellationToken) is not { } target)
        {
            return await catalog.FindAsync(id, cancellationToken) is null ? NotFound(id) : VersionNotFound(id, request.Version);
        }

        if (DefinitionErrors(target.Definition) is { } errors)
        {
            return TypedResults.Problem(
                $"Version {request.Version} does not pass today's validation; save a corrected definition and publish it instead.",
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "The version cannot go live again",
                extensions: new Dictionary<string, object?> { ["errors"] = errors });
        }

        if (await audit.BlockingForPublishAsync(id, target.Definition, cancellationToken) is { Count: > 0 } blocking)
        {
            return PublishBlocked(blocking);
        }

        return ToResult(id, await catalog.RollbackAsync(id, request.Version, request.Reason, Actor.Of(user), cancellationToken));
    }

    /// <summary>The definitions, oldest first; pass <c>nextCursor</c> as <c>after</c> for the next page.</summary>
    private static async Task<Results<Ok<PageResponse<PromotionVersionResponse>>, ValidationProblem, ProblemHttpResult>> ListPromotionVersions(
        Guid id, PromotionCatalog catalog, CancellationToken cancellationToken, int? limit = null, string? after = null)
    {
        var errors = Paging.Validate(VersionsList, limit, after, out var take, out var afterId);
        var afterVersion = 0;
        if (afterId is { } cursor && !VersionCursor.TryFromGuid(cursor, out afterVersion))
        {
            errors ??= [];
            errors["after"] = Paging.NotACursor("after");
        }

        if (errors is not null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await catalog.VersionsAsync(id, afterVersion, take, cancellationToken) is { } versions ? TypedResults.Ok(versions) : NotFound(id);
    }

    /// <summary>Everything done with the promotion — created, edited, published, paused, resumed, ended, rolled back, rollout
    /// changed — newest first, each with the state before and after, who, when and why.</summary>
    private static async Task<Results<Ok<PageResponse<PromotionChangeResponse>>, ValidationProblem, ProblemHttpResult>> ListPromotionHistory(
        Guid id, PromotionCatalog catalog, CancellationToken cancellationToken, int? limit = null, string? after = null)
    {
        if (Paging.Validate(HistoryList, limit, after, out var take, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await catalog.HistoryAsync(id, afterId, take, cancellationToken) is { } history ? TypedResults.Ok(history) : NotFound(id);
    }

    private static async Task<Results<Ok<PromotionVersionResponse>, ProblemHttpResult>> GetPromotionVersion(
        Guid id, int version, PromotionCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.VersionAsync(id, version, cancellationToken) is { } found
            ? TypedResults.Ok(found)
            : VersionNotFound(id, version);

    private static async Task<Results<Ok<PromotionDiff>, ProblemHttpResult>> DiffPromotionVersions(
        Guid id, int from, int to, PromotionCatalog catalog, CancellationToken cancellationToken)
    {
        var left = await catalog.VersionAsync(id, from, cancellationToken);
        var right = await catalog.VersionAsync(id, to, cancellationToken);
        return left is null || right is null
            ? Problems.NotFound("Version not found", $"Promotion {id} has no version {(left is null ? from : to)}.")
            : TypedResults.Ok(new PromotionDiff(id, from, to, DefinitionDiff.Between(left.Definition, right.Definition)));
    }

    /// <summary>The latest version beside everything live, ignoring the kill switch; <c>killSwitch</c> says whether it is on.</summary>
    private static async Task<Results<Ok<DryRunResponse>, ValidationProblem, ProblemHttpResult>> DryRunPromotion(
        Guid id, EvaluateRequest request, PromotionCatalog catalog, EvaluationService evaluations, RuleSetProvider ruleSets,
        CancellationToken cancellationToken)
    {
        if (EvaluateRequestRules.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await catalog.LatestAsync(id, cancellationToken) is not { } latest)
        {
            return NotFound(id);
        }

        var evaluation = await evaluations.DryRunAsync(latest.Promotion, latest.Definition, request, cancellationToken);
        return TypedResults.Ok(new DryRunResponse(evaluation, ruleSets.Current.KillSwitch));
    }

    private static Dictionary<string, string[]>? ValidateSave(SavePromotionRequest request)
    {
        if (request.Definition is null)
        {
            return new Dictionary<string, string[]> { ["definition"] = ["A definition is required."] };
        }

        var errors = DefinitionErrors(request.Definition);
        if (request.Reason is { Length: > MaxReasonLength })
        {
            errors ??= [];
            errors["reason"] = [$"At most {MaxReasonLength} characters."];
        }

        return errors;
    }

    /// <summary>The definition's validation errors keyed by their JSON path in the body (<c>definition.action.percent</c>),
    /// as every other error is (docs/api.md); a version's, by its path in the version (which has it as <c>definition</c>).</summary>
    private static Dictionary<string, string[]>? DefinitionErrors(PromotionDefinition definition) =>
        PromotionDefinitionRules.Validate(definition)?.ToDictionary(error => $"definition.{error.Key}", error => error.Value);

    /// <summary>A staged rollout step (1 % → 10 % → 50 % → 100 %, or back): published at once as a new version.</summary>
    private static async Task<Results<Ok<PromotionResponse>, ValidationProblem, ProblemHttpResult>> ChangeRollout(
        Guid id, RolloutRequest request, PromotionCatalog catalog, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (request.Percent is not (>= 0 and <= 100) || request.Reason is { Length: > MaxReasonLength })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [request.Percent is >= 0 and <= 100 ? "reason" : "percent"] = [$"percent is 0 to 100; reason at most {MaxReasonLength} characters."],
            });
        }

        return ToResult(id, await catalog.ChangeRolloutAsync(id, request.Percent.Value, request.Reason, Actor.Of(user), cancellationToken)) switch
        {
            { Result: Ok<PromotionResponse> ok } => ok,
            { Result: ValidationProblem validation } => validation,
            { Result: ProblemHttpResult problem } => problem,
            _ => throw new InvalidOperationException("Unexpected result."),
        };
    }

    /// <summary>A reason is optional (the history keeps it when given) and bounded.</summary>
    private static ValidationProblem? ValidateReason(ChangeRequest? request) =>
        request?.Reason is { Length: > MaxReasonLength }
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [$"At most {MaxReasonLength} characters."] })
            : null;

    private static string? Reason(ChangeRequest? request) => string.IsNullOrWhiteSpace(request?.Reason) ? null : request.Reason.Trim();

    private static Results<Ok<PromotionResponse>, ValidationProblem, ProblemHttpResult> ToResult(Guid id, CatalogResult result) => result.Outcome switch
    {
        CatalogOutcome.Done or CatalogOutcome.Replayed => TypedResults.Ok(result.Promotion!),
        CatalogOutcome.NotFound => NotFound(id),
        CatalogOutcome.PreconditionFailed => TypedResults.Problem(result.Problem, statusCode: StatusCodes.Status412PreconditionFailed, title: "Promotion changed meanwhile"),
        _ => Problems.Conflict("Promotion cannot change this way", result.Problem),
    };

    private static ProblemHttpResult NotFound(Guid id) => Problems.NotFound("Promotion not found", $"No promotion has id {id}.");

    private static ProblemHttpResult VersionNotFound(Guid id, int version) => Problems.NotFound("Version not found", $"Promotion {id} has no version {version}.");
}
