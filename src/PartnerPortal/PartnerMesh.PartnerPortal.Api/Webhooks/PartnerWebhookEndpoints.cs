using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PartnerMesh.PartnerPortal.Api.Portal;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.PartnerPortal.Api.Webhooks;

/// <summary>
/// The signed-in partner's own webhook subscriptions: the Webhooks page with its forms, and the BFF calls. The owner is
/// always the session's partner, so the partner rules apply (events about it only, no event type that identifies a
/// shopper). Changes need a portal page's antiforgery token: the form's field, or the <c>RequestVerificationToken</c> header.
/// </summary>
public static class PartnerWebhookEndpoints
{
    private const string Location = PortalSession.PathPrefix + "/api/webhooks";

    public static IEndpointRouteBuilder MapPartnerWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(WebhooksPage.Path).WithTags("Portal").ExcludeFromDescription()
            .AddEndpointFilter(PortalEndpoints.AddPageHeaders).RequireAuthorization(PortalPolicies.PartnerSession);
        pages.MapGet("/", ShowWebhooks).WithName(nameof(ShowWebhooks));
        // The form posts are validated against antiforgery explicitly, so a stale form gets a problem, not a bare 400.
        pages.MapPost("/", AddWebhookForm).WithName(nameof(AddWebhookForm)).DisableAntiforgery();
        pages.MapPost("/{id:guid}/delete", DeleteWebhookForm).WithName(nameof(DeleteWebhookForm)).DisableAntiforgery();
        pages.MapPost("/{id:guid}/secret", RotateWebhookSecretForm).WithName(nameof(RotateWebhookSecretForm)).DisableAntiforgery();
        pages.MapPost("/{id:guid}/switch-on", SwitchOnWebhookForm).WithName(nameof(SwitchOnWebhookForm)).DisableAntiforgery();
        pages.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/redelivery", RedeliverWebhookForm).WithName(nameof(RedeliverWebhookForm)).DisableAntiforgery();

        var group = app.MapGroup(Location).WithTags("Portal BFF").RequireAuthorization(PortalPolicies.PartnerSession);
        group.MapGet("/", ListPartnerWebhooks).WithName(nameof(ListPartnerWebhooks))
            .WithSummary("The session's partner's webhook subscriptions");
        group.MapGet("/event-types", ListPartnerWebhookEventTypes).WithName(nameof(ListPartnerWebhookEventTypes))
            .WithSummary("The event types a partner may subscribe to (events about itself that identify no shopper)");
        group.MapGet("/{id:guid}", GetPartnerWebhook).WithName(nameof(GetPartnerWebhook))
            .WithSummary("One of the session's partner's webhook subscriptions; 404 for any other");
        group.MapPost("/", CreatePartnerWebhook).WithName(nameof(CreatePartnerWebhook)).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Subscribes the session's partner; the signing secret is shown once. Needs a portal page's antiforgery token in the RequestVerificationToken header");
        group.MapPut("/{id:guid}", UpdatePartnerWebhook).WithName(nameof(UpdatePartnerWebhook))
            .WithSummary("Switches one of the session's partner's subscriptions on (also after it was switched off for failing: what waited goes out) or off. Needs a portal page's antiforgery token in the RequestVerificationToken header");
        group.MapDelete("/{id:guid}", DeletePartnerWebhook).WithName(nameof(DeletePartnerWebhook))
            .WithSummary("Deletes one of the session's partner's subscriptions. Needs a portal page's antiforgery token in the RequestVerificationToken header");
        group.MapPost("/{id:guid}/secret", RotatePartnerWebhookSecret).WithName(nameof(RotatePartnerWebhookSecret)).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Gives one of the session's partner's subscriptions a new signing secret, shown once; deliveries are signed with the previous one too until previousSecretExpiresAt (24 h). A retry with the same Idempotency-Key answers the same secret; 404 for any other subscription. Needs a portal page's antiforgery token in the RequestVerificationToken header");
        group.MapGet("/{id:guid}/deliveries", ListPartnerWebhookDeliveries).WithName(nameof(ListPartnerWebhookDeliveries))
            .WithSummary("The delivery log of one of the session's partner's subscriptions, newest first (?status=pending|delivered|failed|skipped, ?after= the previous page's nextCursor); 404 for any other");
        group.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/redelivery", RedeliverPartnerWebhook).WithName(nameof(RedeliverPartnerWebhook))
            .WithSummary("Sends a delivery of one of the session's partner's subscriptions again (same event id, a skipped one too); 404 for any other. Needs a portal page's antiforgery token in the RequestVerificationToken header");
        return app;
    }

    /// <summary>The page: the partner's webhooks and their latest deliveries (<paramref name="deliveriesAfter"/>: older ones).</summary>
    private static async Task<ContentHttpResult> ShowWebhooks(
        bool? deleted, bool? switchedOn, bool? redelivered, string? deliveriesAfter, ClaimsPrincipal user, HttpContext httpContext,
        IAntiforgery antiforgery, WebhookSubscriptions subscriptions, CancellationToken cancellationToken)
    {
        var (_, partnerId) = user.SessionIds();
        var model = new WebhooksPageModel(
            user.Email(), await subscriptions.ListAsync(partnerId, cancellationToken), Deleted: deleted == true, SwitchedOn: switchedOn == true,
            Redelivered: redelivered == true);
        Guid? after = null;
        if (deliveriesAfter is not null)
        {
            if (!Paging.TryDecodeCursor(WebhookSubscriptions.DeliveriesList, deliveriesAfter, out Guid afterId))
            {
                return Page(httpContext, antiforgery, model with { DeliveriesError = WebhooksPage.BadDeliveriesLinkMessage }, StatusCodes.Status400BadRequest);
            }

            after = afterId;
        }

        var (deliveries, older) = await subscriptions.RecentDeliveriesAsync(partnerId, after, WebhooksPage.DeliveriesPerPage, cancellationToken);
        return Page(httpContext, antiforgery, model with { Deliveries = deliveries, OlderDeliveries = older }, StatusCodes.Status200OK);
    }

    /// <summary>
    /// The page's "Add webhook" form. It carries an idempotency key made when the page was rendered, so sending the form
    /// again (a reload) creates nothing twice: the page then says the webhook exists, without its secret.
    /// </summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> AddWebhookForm(
        ClaimsPrincipal user, HttpContext httpContext, IAntiforgery antiforgery, WebhookSubscriptions subscriptions, CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(httpContext))
        {
            return PortalProblems.FormExpired();
        }

        var (accountId, partnerId) = user.SessionIds();
        var form = await httpContext.Request.ReadFormAsync(cancellationToken);
        var url = form["url"].ToString();
        List<string> chosen = [.. form["eventTypes"].OfType<string>()];
        if (chosen.Count == 0)
        {
            var unchanged = await Listed(subscriptions, partnerId, cancellationToken);
            return Page(httpContext, antiforgery, unchanged with { Url = url, Errors = [("eventTypes", WebhooksPage.ChooseEventsMessage)] }, StatusCodes.Status400BadRequest);
        }

        var request = new CreateWebhookRequest(url.Length == 0 ? null : url, chosen);
        var key = form["idempotencyKey"].ToString();
        var result = await subscriptions.CreateAsync(partnerId, CreatedBy(accountId), Location, request, key.Length == 0 ? null : key, cancellationToken);
        var listed = await Listed(subscriptions, partnerId, cancellationToken);
        return result.Result switch
        {
            Created<CreatedWebhookResponse> { Value: { } response } => Page(httpContext, antiforgery, listed with { Created = response }, StatusCodes.Status200OK),
            Ok<WebhookResponse> { Value: { } earlier } => Page(httpContext, antiforgery, listed with { AlreadyCreated = earlier }, StatusCodes.Status200OK),
            ValidationProblem problem => Page(
                httpContext, antiforgery,
                listed with { Url = url, Chosen = chosen, Errors = [.. problem.ProblemDetails.Errors.SelectMany(field => field.Value.Select(message => ((string?)field.Key, message)))] },
                StatusCodes.Status400BadRequest),
            ProblemHttpResult problem => Page(
                httpContext, antiforgery, listed with { Url = url, Chosen = chosen, Errors = [(null, problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "")] },
                problem.StatusCode),
            _ => throw new InvalidOperationException($"Unexpected result {result.Result.GetType().Name}."),
        };
    }

    /// <summary>A webhook that is not the partner's (or no longer exists) gets the "Page not found" page, as any unknown page.</summary>
    private static async Task<Results<RedirectHttpResult, ContentHttpResult, ProblemHttpResult>> DeleteWebhookForm(
        Guid id, ClaimsPrincipal user, HttpContext httpContext, IAntiforgery antiforgery, WebhookSubscriptions subscriptions,
        CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(httpContext))
        {
            return PortalProblems.FormExpired();
        }

        var (_, partnerId) = user.SessionIds();
        if (await subscriptions.DeleteAsync(partnerId, id, cancellationToken))
        {
            return TypedResults.LocalRedirect(WebhooksPage.Path + "?deleted=true");
        }

        return NotFoundPage(httpContext, antiforgery);
    }

    /// <summary>
    /// A subscription's "Rotate secret" button: the page with the new secret (shown once) and when the previous one stops
    /// signing; another partner's subscription gets the "Page not found" page. The form carries an idempotency key made when
    /// the page was rendered, so sending it again (a reload) rotates nothing more and shows the same secret.
    /// </summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> RotateWebhookSecretForm(
        Guid id, ClaimsPrincipal user, HttpContext httpContext, IAntiforgery antiforgery, WebhookSubscriptions subscriptions,
        CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(httpContext))
        {
            return PortalProblems.FormExpired();
        }

        var (_, partnerId) = user.SessionIds();
        var form = await httpContext.Request.ReadFormAsync(cancellationToken);
        var key = form["idempotencyKey"].ToString();
        var result = await subscriptions.RotateSecretAsync(partnerId, id, key.Length == 0 ? null : key, cancellationToken);
        return result.Result switch
        {
            Ok<RotatedSecretResponse> { Value: { } rotated } => Page(
                httpContext, antiforgery, await Listed(subscriptions, partnerId, cancellationToken) with { Rotated = rotated }, StatusCodes.Status200OK),
            ProblemHttpResult { StatusCode: StatusCodes.Status404NotFound } => NotFoundPage(httpContext, antiforgery),
            ProblemHttpResult problem => problem,
            ValidationProblem problem => TypedResults.Problem(problem.ProblemDetails),
            _ => throw new InvalidOperationException($"Unexpected result {result.Result.GetType().Name}."),
        };
    }

    /// <summary>The "Switch on" button of a subscription switched off (for failing, or by the partner).</summary>
    private static async Task<Results<RedirectHttpResult, ContentHttpResult, ProblemHttpResult>> SwitchOnWebhookForm(
        Guid id, ClaimsPrincipal user, HttpContext httpContext, IAntiforgery antiforgery, WebhookSubscriptions subscriptions,
        CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(httpContext))
        {
            return PortalProblems.FormExpired();
        }

        var (_, partnerId) = user.SessionIds();
        if (await subscriptions.SetActiveAsync(partnerId, id, active: true, cancellationToken) is not null)
        {
            return TypedResults.LocalRedirect(WebhooksPage.Path + "?switchedOn=true");
        }

        return NotFoundPage(httpContext, antiforgery);
    }

    /// <summary>A delivery's "Redeliver" button: back to the page, which confirms it; another partner's delivery gets the "Page not found" page.</summary>
    private static async Task<Results<RedirectHttpResult, ContentHttpResult, ProblemHttpResult>> RedeliverWebhookForm(
        Guid id, Guid deliveryId, ClaimsPrincipal user, HttpContext httpContext, IAntiforgery antiforgery, WebhookSubscriptions subscriptions,
        CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(httpContext))
        {
            return PortalProblems.FormExpired();
        }

        var result = await subscriptions.RedeliverAsync(user.SessionIds().PartnerId, id, deliveryId, Location, cancellationToken);
        return result.Result switch
        {
            Accepted<DeliveryResponse> => TypedResults.LocalRedirect(WebhooksPage.Path + "?redelivered=true"),
            ProblemHttpResult { StatusCode: StatusCodes.Status404NotFound } => NotFoundPage(httpContext, antiforgery),
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException($"Unexpected result {result.Result.GetType().Name}."),
        };
    }

    private static async Task<Results<Ok<PageResponse<WebhookResponse>>, ValidationProblem>> ListPartnerWebhooks(
        ClaimsPrincipal user, WebhookSubscriptions subscriptions, CancellationToken cancellationToken, int? limit = null, string? after = null) =>
        Paging.Validate(WebhookSubscriptions.List, limit, after, out var take, out var afterId) is { } errors
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await subscriptions.PageAsync(user.SessionIds().PartnerId, afterId, take, cancellationToken));

    private static Ok<IReadOnlyList<string>> ListPartnerWebhookEventTypes(ClaimsPrincipal user) =>
        TypedResults.Ok(WebhookSubscriptions.EventTypesFor(user.SessionIds().PartnerId));

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> GetPartnerWebhook(
        Guid id, ClaimsPrincipal user, WebhookSubscriptions subscriptions, CancellationToken cancellationToken) =>
        await subscriptions.GetAsync(user.SessionIds().PartnerId, id, cancellationToken) is { } subscription
            ? TypedResults.Ok(subscription)
            : WebhookSubscriptions.NotFound(id);

    private static async Task<Results<Created<CreatedWebhookResponse>, Ok<WebhookResponse>, ValidationProblem, ProblemHttpResult>> CreatePartnerWebhook(
        CreateWebhookRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, ClaimsPrincipal user, HttpContext httpContext,
        IAntiforgery antiforgery, WebhookSubscriptions subscriptions, CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(httpContext))
        {
            return PortalProblems.AntiforgeryRefused(httpContext);
        }

        var (accountId, partnerId) = user.SessionIds();
        return await subscriptions.CreateAsync(partnerId, CreatedBy(accountId), Location, request, idempotencyKey, cancellationToken);
    }

    private static async Task<Results<Ok<WebhookResponse>, ValidationProblem, ProblemHttpResult>> UpdatePartnerWebhook(
        Guid id, UpdateWebhookRequest request, ClaimsPrincipal user, HttpContext httpContext, IAntiforgery antiforgery,
        WebhookSubscriptions subscriptions, CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(httpContext))
        {
            return PortalProblems.AntiforgeryRefused(httpContext);
        }

        return await subscriptions.UpdateAsync(user.SessionIds().PartnerId, id, request, cancellationToken);
    }

    private static async Task<Results<Ok<RotatedSecretResponse>, ValidationProblem, ProblemHttpResult>> RotatePartnerWebhookSecret(
        Guid id, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, ClaimsPrincipal user, HttpContext httpContext,
        IAntiforgery antiforgery, WebhookSubscriptions subscriptions, CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(httpContext))
        {
            return PortalProblems.AntiforgeryRefused(httpContext);
        }

        return await subscriptions.RotateSecretAsync(user.SessionIds().PartnerId, id, idempotencyKey, cancellationToken);
    }

    private static Task<Results<Ok<DeliveryPage>, ValidationProblem, ProblemHttpResult>> ListPartnerWebhookDeliveries(
        Guid id, ClaimsPrincipal user, WebhookSubscriptions subscriptions, CancellationToken cancellationToken, string? status = null,
        string? after = null, int limit = 50) =>
        subscriptions.DeliveriesAsync(user.SessionIds().PartnerId, id, status, after, limit, cancellationToken);

    private static async Task<Results<Accepted<DeliveryResponse>, ProblemHttpResult>> RedeliverPartnerWebhook(
        Guid id, Guid deliveryId, ClaimsPrincipal user, HttpContext httpContext, IAntiforgery antiforgery, WebhookSubscriptions subscriptions,
        CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(httpContext))
        {
            return PortalProblems.AntiforgeryRefused(httpContext);
        }

        return await subscriptions.RedeliverAsync(user.SessionIds().PartnerId, id, deliveryId, Location, cancellationToken);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeletePartnerWebhook(
        Guid id, ClaimsPrincipal user, HttpContext httpContext, IAntiforgery antiforgery, WebhookSubscriptions subscriptions,
        CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(httpContext))
        {
            return PortalProblems.AntiforgeryRefused(httpContext);
        }

        return await subscriptions.DeleteAsync(user.SessionIds().PartnerId, id, cancellationToken)
            ? TypedResults.NoContent()
            : WebhookSubscriptions.NotFound(id);
    }

    /// <summary>A form about a webhook that is not the partner's (or no longer exists): the "Page not found" page, as any unknown page.</summary>
    private static ContentHttpResult NotFoundPage(HttpContext httpContext, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        return TypedResults.Content(
            PortalPages.NotFound(tokens.FormFieldName, tokens.RequestToken!), PortalEndpoints.HtmlContentType, statusCode: StatusCodes.Status404NotFound);
    }

    private static async Task<WebhooksPageModel> Listed(WebhookSubscriptions subscriptions, Guid partnerId, CancellationToken cancellationToken) =>
        new(string.Empty, await subscriptions.ListAsync(partnerId, cancellationToken));

    private static ContentHttpResult Page(HttpContext httpContext, IAntiforgery antiforgery, WebhooksPageModel model, int statusCode)
    {
        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        var html = WebhooksPage.Render(
            model with { Email = httpContext.User.Email() }, WebhookSubscriptions.EventTypesFor(httpContext.User.SessionIds().PartnerId),
            tokens.FormFieldName, tokens.RequestToken!);
        return TypedResults.Content(html, PortalEndpoints.HtmlContentType, statusCode: statusCode);
    }

    /// <summary>Who created a subscription, as the token subjects the portal signs name the account (no e-mail kept).</summary>
    private static string CreatedBy(Guid accountId) => $"portal-user:{accountId}";
}
