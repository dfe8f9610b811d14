using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.PartnerPortal.Api.Webhooks;

/// <summary>
/// Webhook subscriptions with a service token. An admin token (an admin API key through the gateway) manages tools'
/// subscriptions (every event of the chosen types); a partner token manages that partner's own (events about it), but only
/// the portal signs partner tokens and no API key carries one, so partners manage theirs in the portal
/// (<see cref="PartnerWebhookEndpoints"/>). Nobody sees or changes another owner's subscriptions: they are 404.
/// </summary>
public static class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/portal/webhooks").WithTags("Webhooks").RequireAuthorization(PartnerMeshPolicies.PartnerOrAdmin);

        group.MapPost("/", CreateWebhook).WithName(nameof(CreateWebhook)).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListWebhooks).WithName(nameof(ListWebhooks));
        group.MapGet("/event-types", ListWebhookEventTypes).WithName(nameof(ListWebhookEventTypes));
        group.MapGet("/{id:guid}", GetWebhook).WithName(nameof(GetWebhook));
        group.MapPut("/{id:guid}", UpdateWebhook).WithName(nameof(UpdateWebhook));
        group.MapDelete("/{id:guid}", DeleteWebhook).WithName(nameof(DeleteWebhook));
        group.MapPost("/{id:guid}/secret", RotateWebhookSecret).WithName(nameof(RotateWebhookSecret)).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id:guid}/deliveries", ListDeliveries).WithName(nameof(ListDeliveries));
        group.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/redelivery", Redeliver).WithName(nameof(Redeliver));

        return group;
    }

    private static Task<Results<Created<CreatedWebhookResponse>, Ok<WebhookResponse>, ValidationProblem, ProblemHttpResult>> CreateWebhook(
        CreateWebhookRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, WebhookSubscriptions subscriptions,
        ClaimsPrincipal user, CancellationToken cancellationToken) =>
        subscriptions.CreateAsync(
            Owner(user), user.FindFirstValue(PartnerMeshClaims.KeyId) ?? user.Identity?.Name ?? "unknown", "/api/portal/webhooks", request,
            idempotencyKey, cancellationToken);

    /// <summary>The owner's subscriptions, oldest first; pass <c>nextCursor</c> as <c>after</c> for the next page.</summary>
    private static async Task<Results<Ok<PageResponse<WebhookResponse>>, ValidationProblem>> ListWebhooks(
        WebhookSubscriptions subscriptions, ClaimsPrincipal user, CancellationToken cancellationToken, int? limit = null, string? after = null) =>
        Paging.Validate(WebhookSubscriptions.List, limit, after, out var take, out var afterId) is { } errors
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await subscriptions.PageAsync(Owner(user), afterId, take, cancellationToken));

    private static Ok<IReadOnlyList<string>> ListWebhookEventTypes(ClaimsPrincipal user) =>
        TypedResults.Ok(WebhookSubscriptions.EventTypesFor(Owner(user)));

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> GetWebhook(
        Guid id, WebhookSubscriptions subscriptions, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        await subscriptions.GetAsync(Owner(user), id, cancellationToken) is { } subscription ? TypedResults.Ok(subscription) : NotFound(id);

    /// <summary>Switches a subscription on or off (on again after it was switched off for failing).</summary>
    private static async Task<Results<Ok<WebhookResponse>, ValidationProblem, ProblemHttpResult>> UpdateWebhook(
        Guid id, UpdateWebhookRequest request, WebhookSubscriptions subscriptions, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        await subscriptions.UpdateAsync(Owner(user), id, request, cancellationToken);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteWebhook(
        Guid id, WebhookSubscriptions subscriptions, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        await subscriptions.DeleteAsync(Owner(user), id, cancellationToken) ? TypedResults.NoContent() : NotFound(id);

    /// <summary>
    /// A new signing secret, shown once; the previous one signs too until <c>previousSecretExpiresAt</c>. A retry with the
    /// same <c>Idempotency-Key</c> answers the same secret.
    /// </summary>
    private static Task<Results<Ok<RotatedSecretResponse>, ValidationProblem, ProblemHttpResult>> RotateWebhookSecret(
        Guid id, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, WebhookSubscriptions subscriptions, ClaimsPrincipal user,
        CancellationToken cancellationToken) =>
        subscriptions.RotateSecretAsync(Owner(user), id, idempotencyKey, cancellationToken);

    /// <summary>The subscription's deliveries, newest first; pass <c>nextCursor</c> as <c>after</c> for older ones.</summary>
    private static Task<Results<Ok<DeliveryPage>, ValidationProblem, ProblemHttpResult>> ListDeliveries(
        Guid id, WebhookSubscriptions subscriptions, ClaimsPrincipal user, CancellationToken cancellationToken, string? status = null,
        string? after = null, int limit = 50) =>
        subscriptions.DeliveriesAsync(Owner(user), id, status, after, limit, cancellationToken);

    /// <summary>Sends a delivery again (a failed one, or one the receiver lost); the event id stays the same.</summary>
    private static Task<Results<Accepted<DeliveryResponse>, ProblemHttpResult>> Redeliver(
        Guid id, Guid deliveryId, WebhookSubscriptions subscriptions, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        subscriptions.RedeliverAsync(Owner(user), id, deliveryId, "/api/portal/webhooks", cancellationToken);

    /// <summary>Admins own tools' subscriptions (no partner); a partner its own.</summary>
    private static Guid? Owner(ClaimsPrincipal user) => user.IsAdmin() ? null : user.PartnerId();

    private static ProblemHttpResult NotFound(Guid id) => WebhookSubscriptions.NotFound(id);
}
