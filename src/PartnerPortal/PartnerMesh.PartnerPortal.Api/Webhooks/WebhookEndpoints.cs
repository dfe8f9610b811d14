using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Data;
using PartnerMesh.PartnerPortal.Api.Infrastructure;
using PartnerMesh.PartnerPortal.Api.Infrastructure.Configurations;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.PartnerPortal.Api.Webhooks;

/// <summary>
/// Webhook subscriptions. A partner key manages its own (events about that partner); an admin key manages tools'
/// subscriptions (every event of the chosen types). Nobody sees or changes another owner's subscriptions: they are 404.
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
        group.MapGet("/{id:guid}/deliveries", ListDeliveries).WithName(nameof(ListDeliveries));
        group.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/redelivery", Redeliver).WithName(nameof(Redeliver));

        return group;
    }

    /// <summary>
    /// With an <c>Idempotency-Key</c> (per owner), a retry of the same request answers 200 with the subscription it created
    /// but not its secret again; the same key with another URL or other event types is a 409.
    /// </summary>
    private static async Task<Results<Created<CreatedWebhookResponse>, Ok<WebhookResponse>, ValidationProblem, ProblemHttpResult>> CreateWebhook(
        CreateWebhookRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, PortalDbContext db,
        IDataProtectionProvider protection, IOptions<WebhookOptions> options, TimeProvider timeProvider, WebhookInterest interest, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        var owner = Owner(user);
        if (WebhookRules.Validate(request, owner is not null, [.. options.Value.InsecureHosts]) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        string[] eventTypes = [.. request.EventTypes!.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        if (await CreatedBeforeAsync(db, owner, idempotencyKey, cancellationToken) is { } earlier)
        {
            return Replay(earlier, request.Url!, eventTypes);
        }

        if (await db.WebhookSubscriptions.CountAsync(subscription => subscription.PartnerId == owner, cancellationToken) >= WebhookRules.MaxSubscriptionsPerOwner)
        {
            return Problems.Conflict("Too many webhooks", $"At most {WebhookRules.MaxSubscriptionsPerOwner} subscriptions per owner; delete one first.");
        }

        var secret = WebhookSignature.NewSecret();
        var subscription = new WebhookSubscription
        {
            Id = Guid.CreateVersion7(),
            PartnerId = owner,
            Url = request.Url!,
            EventTypes = eventTypes,
            ProtectedSecret = protection.CreateProtector(WebhookDispatcher.ProtectorPurpose).Protect(secret),
            CreatedAt = timeProvider.GetUtcNow(),
            CreatedBy = user.FindFirstValue(PartnerMeshClaims.KeyId) ?? user.Identity?.Name ?? "unknown",
            IdempotencyKey = idempotencyKey,
        };
        db.WebhookSubscriptions.Add(subscription);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(WebhookSubscriptionConfiguration.UniqueIdempotencyKeyIndex))
        {
            // A concurrent retry with the same idempotency key committed first.
            db.ChangeTracker.Clear();
            return Replay((await CreatedBeforeAsync(db, owner, idempotencyKey, cancellationToken))!, request.Url!, eventTypes);
        }

        interest.Changed();
        return TypedResults.Created($"/api/portal/webhooks/{subscription.Id}", new CreatedWebhookResponse(WebhookResponse.From(subscription), secret));
    }

    private static async Task<WebhookSubscription?> CreatedBeforeAsync(PortalDbContext db, Guid? owner, string? idempotencyKey, CancellationToken cancellationToken) =>
        idempotencyKey is null
            ? null
            : await db.WebhookSubscriptions.AsNoTracking()
                .SingleOrDefaultAsync(subscription => subscription.PartnerId == owner && subscription.IdempotencyKey == idempotencyKey, cancellationToken);

    /// <summary>URL and event types never change after creation, so they tell the same request from another one.</summary>
    private static Results<Created<CreatedWebhookResponse>, Ok<WebhookResponse>, ValidationProblem, ProblemHttpResult> Replay(
        WebhookSubscription earlier, string url, string[] eventTypes) =>
        earlier.Url == url && earlier.EventTypes.SequenceEqual(eventTypes, StringComparer.Ordinal)
            ? TypedResults.Ok(WebhookResponse.From(earlier))
            : Problems.Conflict("Idempotency key reused", $"Idempotency-Key '{earlier.IdempotencyKey}' was already used to create webhook {earlier.Id} with another URL or other event types.");

    private static async Task<Ok<IReadOnlyList<WebhookResponse>>> ListWebhooks(PortalDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var owner = Owner(user);
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(subscription => subscription.PartnerId == owner)
            .OrderBy(subscription => subscription.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<WebhookResponse>>([.. subscriptions.Select(WebhookResponse.From)]);
    }

    private static Ok<IReadOnlyList<string>> ListWebhookEventTypes(ClaimsPrincipal user) =>
        TypedResults.Ok<IReadOnlyList<string>>([.. (Owner(user) is null ? WebhookEventTypes.Names : WebhookEventTypes.PartnerNames).Order(StringComparer.Ordinal)]);

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> GetWebhook(
        Guid id, PortalDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        await FindOwnAsync(db, id, user, cancellationToken) is { } subscription ? TypedResults.Ok(WebhookResponse.From(subscription)) : NotFound(id);

    /// <summary>Switches a subscription on or off (on again after it was switched off for failing).</summary>
    private static async Task<Results<Ok<WebhookResponse>, ValidationProblem, ProblemHttpResult>> UpdateWebhook(
        Guid id, UpdateWebhookRequest request, PortalDbContext db, WebhookInterest interest, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (request.Active is not { } active)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["active"] = ["true or false."] });
        }

        if (await FindOwnAsync(db, id, user, cancellationToken) is not { } subscription)
        {
            return NotFound(id);
        }

        subscription.Active = active;
        subscription.ConsecutiveFailures = 0;
        subscription.DisabledAt = active ? null : subscription.DisabledAt;
        await db.SaveChangesAsync(cancellationToken);
        interest.Changed();
        return TypedResults.Ok(WebhookResponse.From(subscription));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteWebhook(
        Guid id, PortalDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var owner = Owner(user);
        var deleted = await db.WebhookSubscriptions.Where(subscription => subscription.Id == id && subscription.PartnerId == owner).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? NotFound(id) : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<DeliveryPage>, ValidationProblem, ProblemHttpResult>> ListDeliveries(
        Guid id, PortalDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken, string? status = null, Guid? after = null, int limit = 50)
    {
        if (limit is < 1 or > 200 || status is not (null or DeliveryStatuses.Pending or DeliveryStatuses.Delivered or DeliveryStatuses.Failed))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["query"] = ["limit 1–200; status pending, delivered or failed."] });
        }

        if (await FindOwnAsync(db, id, user, cancellationToken) is null)
        {
            return NotFound(id);
        }

        var deliveries = await db.WebhookDeliveries.AsNoTracking()
            .Where(delivery => delivery.SubscriptionId == id && (status == null || delivery.Status == status) && (after == null || delivery.Id < after))
            .OrderByDescending(delivery => delivery.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var items = deliveries.Count > limit ? deliveries[..limit] : deliveries;
        return TypedResults.Ok(new DeliveryPage([.. items.Select(DeliveryResponse.From)], deliveries.Count > limit ? items[^1].Id : null));
    }

    /// <summary>Sends a delivery again (a failed one, or one the receiver lost); the event id stays the same.</summary>
    private static async Task<Results<Accepted<DeliveryResponse>, ProblemHttpResult>> Redeliver(
        Guid id, Guid deliveryId, PortalDbContext db, WebhookDispatchSignal signal, TimeProvider timeProvider, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        if (await FindOwnAsync(db, id, user, cancellationToken) is null
            || await db.WebhookDeliveries.SingleOrDefaultAsync(delivery => delivery.Id == deliveryId && delivery.SubscriptionId == id, cancellationToken) is not { } delivery)
        {
            return Problems.NotFound("Delivery not found", $"Webhook {id} has no delivery {deliveryId}.");
        }

        delivery.Status = DeliveryStatuses.Pending;
        delivery.NextAttemptAt = timeProvider.GetUtcNow();
        delivery.Attempts = 0;
        await db.SaveChangesAsync(cancellationToken);
        signal.Notify();
        return TypedResults.Accepted($"/api/portal/webhooks/{id}/deliveries", DeliveryResponse.From(delivery));
    }

    /// <summary>Admins own tools' subscriptions (no partner); a partner its own.</summary>
    private static Guid? Owner(ClaimsPrincipal user) => user.IsAdmin() ? null : user.PartnerId();

    private static Task<WebhookSubscription?> FindOwnAsync(PortalDbContext db, Guid id, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var owner = Owner(user);
        return db.WebhookSubscriptions.SingleOrDefaultAsync(subscription => subscription.Id == id && subscription.PartnerId == owner, cancellationToken);
    }

    private static ProblemHttpResult NotFound(Guid id) => Problems.NotFound("Webhook not found", $"No webhook {id} of yours.");
}
