using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.Promotions.Api.Definitions;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Promotions.Api.ProductPages;

public static class ProductPageEndpoints
{
    internal const string ContentsList = "promotions.product-page-contents";
    internal const string ContentVersionsList = "promotions.product-page-content-versions";
    internal const string ContentHistoryList = "promotions.product-page-content-history";

    /// <summary>The storefront's answer escapes &lt;, &gt;, &amp; and quotes (\u003C…): content that is HTML stays inert data even
    /// where a client pastes the JSON into a page.</summary>
    private static readonly JsonSerializerOptions StorefrontJson = new(PromotionJson.Options) { Encoder = JavaScriptEncoder.Default };

    public static IEndpointRouteBuilder MapProductPageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/promotions/product-page").WithTags("Product pages").RequireAuthorization(PartnerMeshPolicies.Storefront)
            .MapPost("/", GetProductPageContent).WithName(nameof(GetProductPageContent)).Produces<ProductPageResponse>()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        var admin = app.MapGroup("/api/promotions/product-page/contents").WithTags("Product pages").RequireAuthorization(PartnerMeshPolicies.Admin);
        admin.MapPost("/", CreateContent).WithName(nameof(CreateContent))
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        admin.MapGet("/", ListContents).WithName(nameof(ListContents));
        admin.MapGet("/{id:guid}", GetContent).WithName(nameof(GetContent)).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPut("/{id:guid}", UpdateContent).WithName(nameof(UpdateContent)).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        admin.MapPost("/{id:guid}/publish", PublishContent).WithName(nameof(PublishContent)).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPost("/{id:guid}/pause", PauseContent).WithName(nameof(PauseContent)).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPost("/{id:guid}/resume", ResumeContent).WithName(nameof(ResumeContent)).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPost("/{id:guid}/end", EndContent).WithName(nameof(EndContent)).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapGet("/{id:guid}/versions", ListContentVersions).WithName(nameof(ListContentVersions)).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapGet("/{id:guid}/history", ListContentHistory).WithName(nameof(ListContentHistory)).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapGet("/{id:guid}/versions/{version:int}", GetContentVersion).WithName(nameof(GetContentVersion)).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapGet("/{id:guid}/results", GetContentResults).WithName(nameof(GetContentResults)).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>What to show on a product page for this traffic: the content, its entry, version and variant, and why.</summary>
    private static async Task<Results<JsonHttpResult<ProductPageResponse>, ValidationProblem, ProblemHttpResult>> GetProductPageContent(
        ProductPageRequest request, ProductPageService pages, HttpResponse response, CancellationToken cancellationToken)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        if (ProductPageRequestRules.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await pages.ResolveAsync(request, cancellationToken) is { } answer
            ? TypedResults.Json(answer, StorefrontJson)
            : Problems.Unprocessable("Unknown partner", $"No partner {request.PartnerId} is known.");
    }

    private static async Task<Results<Created<ContentResponse>, Ok<ContentResponse>, ValidationProblem, ProblemHttpResult>> CreateContent(
        SaveContentRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, ProductPageContentService contents,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (ProductPageContentRules.Validate(request) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        var result = await contents.CreateAsync(request.Definition!, request.Reason, idempotencyKey, Actor.Of(user), cancellationToken);
        return result.Outcome switch
        {
            ContentOutcome.Done => TypedResults.Created($"/api/promotions/product-page/contents/{result.Content!.Id}", result.Content),
            ContentOutcome.Replayed => TypedResults.Ok(result.Content!),
            _ => Problem(result),
        };
    }

    /// <summary>Entries by id; <c>status</c> (draft, scheduled, active, paused, ended) and <c>partnerId</c> filter; pass
    /// <c>nextCursor</c> as <c>after</c> for the next page.</summary>
    private static async Task<Results<Ok<PageResponse<ContentResponse>>, ValidationProblem>> ListContents(
        ProductPageContentService contents, HttpRequest httpRequest, CancellationToken cancellationToken, string? status = null,
        Guid? partnerId = null, int? limit = null, string? after = null)
    {
        if (Paging.Validate(ContentsList, limit, RenamedCursor.AfterOrCursor(after, httpRequest), out var take, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        string[] statuses = [PromotionStatuses.Draft, PromotionStatuses.Scheduled, PromotionStatuses.Active, PromotionStatuses.Paused, PromotionStatuses.Ended];
        if (status is not null && !statuses.Contains(status))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"One of {string.Join(", ", statuses)}."] });
        }

        return TypedResults.Ok(await contents.ListAsync(status, partnerId, afterId, take, cancellationToken));
    }

    private static async Task<Results<Ok<ContentResponse>, ProblemHttpResult>> GetContent(
        Guid id, ProductPageContentService contents, HttpResponse response, CancellationToken cancellationToken)
    {
        if (await contents.FindAsync(id, cancellationToken) is not { } content)
        {
            return NotFound(id);
        }

        response.Headers.ETag = ETag(content);
        return TypedResults.Ok(content);
    }

    /// <summary>A new version, live once published, with the new latest version as <c>ETag</c>. Send <c>If-Match</c> with the
    /// ETag read (the latest version) to refuse overwriting someone else's edit (412).</summary>
    private static async Task<Results<Ok<ContentResponse>, ValidationProblem, ProblemHttpResult>> UpdateContent(
        Guid id, SaveContentRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ProductPageContentService contents,
        ClaimsPrincipal user, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = ProductPageContentRules.Validate(request) ?? [];
        var expected = VersionPrecondition.Read(ifMatch, "entry", errors);

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = await contents.UpdateAsync(id, request.Definition!, request.Reason, expected, Actor.Of(user), cancellationToken);
        if (result.Content is { } content)
        {
            response.Headers.ETag = ETag(content);
        }

        return ToResult(id, result);
    }

    private static string ETag(ContentResponse content) => $"\"{content.LatestVersion}\"";

    private static async Task<Results<Ok<ContentResponse>, ValidationProblem, ProblemHttpResult>> PublishContent(
        Guid id, [FromBody] PublishContentRequest? request, ProductPageContentService contents, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (request is { Version: < 1 } or { Reason.Length: > ProductPageContentRules.MaxReasonLength })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [request.Version < 1 ? "version" : "reason"] = ["version is an existing version (1 or more); a reason has at most 500 characters."],
            });
        }

        return ToResult(id, await contents.PublishAsync(id, request?.Version, request?.Reason, Actor.Of(user), cancellationToken));
    }

    /// <summary>Stops showing the entry until resumed; an optional <c>reason</c> (≤ 500 characters) goes into the history.</summary>
    private static async Task<Results<Ok<ContentResponse>, ValidationProblem, ProblemHttpResult>> PauseContent(
        Guid id, [FromBody] ContentChangeRequest? request, ProductPageContentService contents, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        ValidateReason(request) is { } invalid ? invalid : ToResult(id, await contents.PauseAsync(id, Reason(request), Actor.Of(user), cancellationToken));

    private static async Task<Results<Ok<ContentResponse>, ValidationProblem, ProblemHttpResult>> ResumeContent(
        Guid id, [FromBody] ContentChangeRequest? request, ProductPageContentService contents, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        ValidateReason(request) is { } invalid ? invalid : ToResult(id, await contents.ResumeAsync(id, Reason(request), Actor.Of(user), cancellationToken));

    /// <summary>Ends the entry for good; an optional <c>reason</c> (≤ 500 characters) goes into the history.</summary>
    private static async Task<Results<Ok<ContentResponse>, ValidationProblem, ProblemHttpResult>> EndContent(
        Guid id, [FromBody] ContentChangeRequest? request, ProductPageContentService contents, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        ValidateReason(request) is { } invalid ? invalid : ToResult(id, await contents.EndAsync(id, Reason(request), Actor.Of(user), cancellationToken));

    /// <summary>The definitions, oldest first; pass <c>nextCursor</c> as <c>after</c> for the next page.</summary>
    private static async Task<Results<Ok<PageResponse<ContentVersionResponse>>, ValidationProblem, ProblemHttpResult>> ListContentVersions(
        Guid id, ProductPageContentService contents, CancellationToken cancellationToken, int? limit = null, string? after = null)
    {
        var errors = Paging.Validate(ContentVersionsList, limit, after, out var take, out var afterId);
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

        return await contents.VersionsAsync(id, afterVersion, take, cancellationToken) is { } versions ? TypedResults.Ok(versions) : NotFound(id);
    }

    /// <summary>Everything done with the entry — created, edited, published, rolled back, paused, resumed, ended — newest first,
    /// each with the state before and after, who, when and why; pass <c>nextCursor</c> as <c>after</c> for the next page.</summary>
    private static async Task<Results<Ok<PageResponse<ContentChangeResponse>>, ValidationProblem, ProblemHttpResult>> ListContentHistory(
        Guid id, ProductPageContentService contents, CancellationToken cancellationToken, int? limit = null, string? after = null)
    {
        if (Paging.Validate(ContentHistoryList, limit, after, out var take, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await contents.HistoryAsync(id, afterId, take, cancellationToken) is { } history ? TypedResults.Ok(history) : NotFound(id);
    }

    private static async Task<Results<Ok<ContentVersionResponse>, ProblemHttpResult>> GetContentVersion(
        Guid id, int version, ProductPageContentService contents, CancellationToken cancellationToken) =>
        await contents.VersionAsync(id, version, cancellationToken) is { } found
            ? TypedResults.Ok(found)
            : Problems.NotFound("Version not found", $"Content entry {id} has no version {version}.");

    /// <summary>Per-variant exposures, conversions, AOV and the significance tests, as for an experiment.</summary>
    private static async Task<Results<Ok<ContentResults>, ProblemHttpResult>> GetContentResults(
        Guid id, ProductPageContentService contents, CancellationToken cancellationToken) =>
        await contents.ResultsAsync(id, cancellationToken) is { } results ? TypedResults.Ok(results) : NotFound(id);

    private static Results<Ok<ContentResponse>, ValidationProblem, ProblemHttpResult> ToResult(Guid id, ContentResult result) => result.Outcome switch
    {
        ContentOutcome.Done or ContentOutcome.Replayed => TypedResults.Ok(result.Content!),
        ContentOutcome.NotFound => NotFound(id),
        _ => Problem(result),
    };

    private static ProblemHttpResult Problem(ContentResult result) => result.Outcome switch
    {
        ContentOutcome.Unprocessable => Problems.Unprocessable("Content entry refused", result.Problem),
        ContentOutcome.PreconditionFailed => TypedResults.Problem(result.Problem, statusCode: StatusCodes.Status412PreconditionFailed, title: "Entry changed meanwhile"),
        ContentOutcome.KeyReused => IdempotencyKeys.Reused(result.Problem),
        _ => Problems.Conflict("Content entry cannot change this way", result.Problem),
    };

    /// <summary>A reason is optional (the history keeps it when given) and bounded.</summary>
    private static ValidationProblem? ValidateReason(ContentChangeRequest? request) =>
        request?.Reason is { Length: > ProductPageContentRules.MaxReasonLength }
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [$"At most {ProductPageContentRules.MaxReasonLength} characters."] })
            : null;

    private static string? Reason(ContentChangeRequest? request) => string.IsNullOrWhiteSpace(request?.Reason) ? null : request.Reason.Trim();

    private static ProblemHttpResult NotFound(Guid id) => Problems.NotFound("Content entry not found", $"No product-page content entry has id {id}.");
}
