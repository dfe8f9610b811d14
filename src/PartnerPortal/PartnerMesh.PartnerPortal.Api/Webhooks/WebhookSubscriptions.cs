using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Data;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.PartnerPortal.Api.Infrastructure;
using PartnerMesh.PartnerPortal.Api.Infrastructure.Configurations;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.PartnerPortal.Api.Webhooks;

/// <summary>
/// Creating, listing and deleting the subscriptions of one owner: a partner (its id), or admins' tools (<c>null</c>). The
/// token API (<c>/api/portal/webhooks</c>) and the signed-in partner's portal (<c>/portal/…/webhooks</c>) share the rules.
/// </summary>
public sealed class WebhookSubscriptions(
    PortalDbContext db, IDataProtectionProvider protection, IOptions<WebhookOptions> options, TimeProvider timeProvider, WebhookInterest interest,
    WebhookDispatchSignal dispatchSignal)
{
    /// <summary>
    /// With an <c>Idempotency-Key</c> (per owner), a retry of the same request answers 200 with the subscription it created
    /// but not its secret again; the same key with another URL or other event types is a 409.
    /// </summary>
    /// <param name="location">Where the created subscription is read (its id is appended).</param>
    public async Task<Results<Created<CreatedWebhookResponse>, Ok<WebhookResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        Guid? owner, string createdBy, string location, CreateWebhookRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (WebhookRules.Validate(request, owner is not null, [.. options.Value.InsecureHosts]) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        string[] eventTypes = [.. request.EventTypes!.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        // One owner's creations queue on its advisory lock until commit, so the count below sees every subscription created
        // before: concurrent creates never take an owner past the limit (a count alone lets them all pass together).
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({OwnerLockPrefix + (owner?.ToString() ?? "tools")}, 0))", cancellationToken);
        if (await CreatedBeforeAsync(owner, idempotencyKey, cancellationToken) is { } earlier)
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
            CreatedAt = StorageTime.Now(timeProvider),
            CreatedBy = createdBy,
            IdempotencyKey = idempotencyKey,
        };
        db.WebhookSubscriptions.Add(subscription);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(WebhookSubscriptionConfiguration.UniqueIdempotencyKeyIndex))
        {
            // A concurrent retry with the same idempotency key committed first (the owner's lock makes this rare: a safety net).
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return Replay((await CreatedBeforeAsync(owner, idempotencyKey, cancellationToken))!, request.Url!, eventTypes);
        }

        interest.Changed();
        return TypedResults.Created($"{location}/{subscription.Id}", new CreatedWebhookResponse(Response(subscription), secret));
    }

    public async Task<IReadOnlyList<WebhookResponse>> ListAsync(Guid? owner, CancellationToken cancellationToken)
    {
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(subscription => subscription.PartnerId == owner)
            .OrderBy(subscription => subscription.Id).ToListAsync(cancellationToken);
        return [.. subscriptions.Select(Response)];
    }

    /// <summary>Namespaces the advisory lock that queues one owner's creations (<c>hashtextextended</c> of prefix and owner).</summary>
    private const string OwnerLockPrefix = "portal.webhooks.owner:";

    /// <summary>The list the owner's subscriptions page in, for the admin API and the portal alike.</summary>
    public const string List = "portal.webhooks";

    /// <summary>The owner's subscriptions oldest first, a page after <paramref name="after"/> (a subscription id).</summary>
    public async Task<PageResponse<WebhookResponse>> PageAsync(Guid? owner, Guid? after, int take, CancellationToken cancellationToken)
    {
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking()
            .Where(subscription => subscription.PartnerId == owner && (after == null || subscription.Id > after))
            .OrderBy(subscription => subscription.Id).Take(take + 1).ToListAsync(cancellationToken);
        return Paging.ToPage(List, subscriptions, take, subscription => subscription.Id, Response);
    }

    /// <summary>The owner's subscription as answered; <c>null</c> for anyone else's.</summary>
    public async Task<WebhookResponse?> GetAsync(Guid? owner, Guid id, CancellationToken cancellationToken) =>
        await db.WebhookSubscriptions.AsNoTracking().SingleOrDefaultAsync(subscription => subscription.Id == id && subscription.PartnerId == owner, cancellationToken)
            is { } subscription ? Response(subscription) : null;

    /// <summary>A subscription as answered now: its previous secret shows only while it still signs.</summary>
    private WebhookResponse Response(WebhookSubscription subscription) => WebhookResponse.From(subscription, timeProvider.GetUtcNow());

    /// <summary>The owner's subscription (tracked, so a change can be saved); <c>null</c> for anyone else's.</summary>
    public Task<WebhookSubscription?> FindAsync(Guid? owner, Guid id, CancellationToken cancellationToken) =>
        db.WebhookSubscriptions.SingleOrDefaultAsync(subscription => subscription.Id == id && subscription.PartnerId == owner, cancellationToken);

    /// <summary>A <c>PUT</c> of the owner's subscription (<see cref="SetActiveAsync"/>); 404 for anyone else's.</summary>
    public async Task<Results<Ok<WebhookResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid? owner, Guid id, UpdateWebhookRequest request, CancellationToken cancellationToken)
    {
        if (request.Active is not { } active)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["active"] = ["true or false."] });
        }

        return await SetActiveAsync(owner, id, active, cancellationToken) is { } subscription
            ? TypedResults.Ok(Response(subscription))
            : NotFound(id);
    }

    /// <summary>
    /// Switches the owner's subscription on or off; <c>null</c> for anyone else's. Either way it is no longer "switched
    /// off for failing" (<c>DisabledAt</c>): one switched off by its owner records no new events until switched on again
    /// (its pending deliveries wait), one switched on sends what waited.
    /// </summary>
    public async Task<WebhookSubscription?> SetActiveAsync(Guid? owner, Guid id, bool active, CancellationToken cancellationToken)
    {
        if (await FindAsync(owner, id, cancellationToken) is not { } subscription)
        {
            return null;
        }

        subscription.Active = active;
        subscription.ConsecutiveFailures = 0;
        subscription.FailingSince = null;
        subscription.DisabledAt = null;
        await db.SaveChangesAsync(cancellationToken);
        interest.Changed();
        return subscription;
    }

    /// <summary>
    /// Gives the owner's subscription a new signing secret; 404 for anyone else's. The secret it had signs too (a
    /// second <c>v1</c>) for <see cref="WebhookOptions.SecretRotationOverlap"/>; rotating again drops the oldest, so at
    /// most two secrets sign. With an <c>Idempotency-Key</c>, a retry of the latest rotation during its overlap answers the
    /// same secret and expiry again instead of rotating once more; after the overlap the key is forgotten.
    /// </summary>
    /// <remarks>
    /// Holds the subscription row <c>FOR NO KEY UPDATE</c> while it decides, so two rotations with one key never make two
    /// secrets; that lock does not wait for the dispatcher's <c>FOR KEY SHARE</c> of the subscription.
    /// </remarks>
    public async Task<Results<Ok<RotatedSecretResponse>, ValidationProblem, ProblemHttpResult>> RotateSecretAsync(
        Guid? owner, Guid id, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var subscription = await db.WebhookSubscriptions
            .FromSql($"SELECT * FROM webhook_subscriptions WHERE id = {id} AND partner_id IS NOT DISTINCT FROM {owner} FOR NO KEY UPDATE")
            .SingleOrDefaultAsync(cancellationToken);
        if (subscription is null)
        {
            return NotFound(id);
        }

        var protector = protection.CreateProtector(WebhookDispatcher.ProtectorPurpose);
        // A retry of the latest rotation answers its secret again, but only during its overlap: a retry that found a third
        // secret would drop the one the receiver still has. (Creation never shows a secret twice: there, a lost answer costs
        // a rotation; here, it would cost the receiver's deliveries.)
        if (idempotencyKey is not null && subscription is { SecretRotationKey: { } latest, PreviousSecretExpiresAt: { } expiresAt } && latest == idempotencyKey
            && timeProvider.GetUtcNow() < expiresAt)
        {
            return TypedResults.Ok(new RotatedSecretResponse(Response(subscription), protector.Unprotect(subscription.ProtectedSecret), expiresAt));
        }

        // One owner's key names one rotation: the same key sent for another of its subscriptions is another request.
        if (idempotencyKey is not null && await db.WebhookSubscriptions.AnyAsync(
                other => other.PartnerId == owner && other.Id != id && other.SecretRotationKey == idempotencyKey, cancellationToken))
        {
            return IdempotencyKeys.Reused($"Idempotency-Key '{idempotencyKey}' was already used to rotate the secret of another webhook.");
        }

        var secret = WebhookSignature.NewSecret();
        // A secret that cannot be read any more (its data-protection key is gone) signs nothing: no overlap for it.
        var readable = Readable(protector, subscription.ProtectedSecret);
        var now = StorageTime.Now(timeProvider);
        subscription.PreviousProtectedSecret = readable ? subscription.ProtectedSecret : null;
        subscription.PreviousSecretExpiresAt = now + (readable ? options.Value.SecretRotationOverlap : TimeSpan.Zero);
        subscription.SecretRotatedAt = now;
        subscription.ProtectedSecret = protector.Protect(secret);
        subscription.SecretRotationKey = idempotencyKey;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new RotatedSecretResponse(Response(subscription), secret, subscription.PreviousSecretExpiresAt.Value));
    }

    private static bool Readable(IDataProtector protector, string protectedSecret)
    {
        try
        {
            protector.Unprotect(protectedSecret);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <returns>Whether the owner had that subscription.</returns>
    /// <remarks>
    /// Locks the subscription row, then (the cascade) its deliveries: the dispatcher takes them in the same order (it holds
    /// the claimed deliveries' subscriptions FOR KEY SHARE from the claim on), so a delete during a delivery batch waits for
    /// the batch and never deadlocks with it.
    /// </remarks>
    public async Task<bool> DeleteAsync(Guid? owner, Guid id, CancellationToken cancellationToken) =>
        await db.WebhookSubscriptions.Where(subscription => subscription.Id == id && subscription.PartnerId == owner).ExecuteDeleteAsync(cancellationToken) > 0;

    /// <summary>The list a subscription's deliveries page in, for the admin API and the portal alike.</summary>
    public const string DeliveriesList = "portal.webhook-deliveries";

    /// <summary>
    /// The deliveries of the owner's subscription, newest first, optionally of one <paramref name="status"/>; a page after
    /// <paramref name="after"/> (a cursor). 404 for anyone else's subscription.
    /// </summary>
    public async Task<Results<Ok<DeliveryPage>, ValidationProblem, ProblemHttpResult>> DeliveriesAsync(
        Guid? owner, Guid id, string? status, string? after, int limit, CancellationToken cancellationToken)
    {
        var errors = Paging.Validate(DeliveriesList, limit, after, out _, out var afterId) ?? [];
        if (status is not (null or DeliveryStatuses.Pending or DeliveryStatuses.Delivered or DeliveryStatuses.Failed or DeliveryStatuses.Skipped))
        {
            errors["status"] = ["status is pending, delivered, failed or skipped."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (!await db.WebhookSubscriptions.AnyAsync(subscription => subscription.Id == id && subscription.PartnerId == owner, cancellationToken))
        {
            return NotFound(id);
        }

        var deliveries = await db.WebhookDeliveries.AsNoTracking()
            .Where(delivery => delivery.SubscriptionId == id && (status == null || delivery.Status == status) && (afterId == null || delivery.Id < afterId))
            .OrderByDescending(delivery => delivery.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var items = deliveries.Count > limit ? deliveries[..limit] : deliveries;
        return TypedResults.Ok(new DeliveryPage([.. items.Select(DeliveryResponse.From)], deliveries.Count > limit ? Paging.EncodeCursor(DeliveriesList, items[^1].Id) : null));
    }

    /// <summary>
    /// The deliveries of all the owner's subscriptions, newest first, with the webhook each went to (the portal's Webhooks
    /// page); a page after <paramref name="after"/> (a delivery id, from a <see cref="DeliveriesList"/> cursor).
    /// </summary>
    public async Task<(IReadOnlyList<PartnerDelivery> Items, string? NextCursor)> RecentDeliveriesAsync(
        Guid owner, Guid? after, int take, CancellationToken cancellationToken)
    {
        var rows = await db.WebhookDeliveries.AsNoTracking()
            .Where(delivery => after == null || delivery.Id < after)
            .Join(db.WebhookSubscriptions.Where(subscription => subscription.PartnerId == owner), delivery => delivery.SubscriptionId,
                subscription => subscription.Id, (delivery, subscription) => new { Delivery = delivery, subscription.Url })
            .OrderByDescending(row => row.Delivery.Id).Take(take + 1).ToListAsync(cancellationToken);
        var items = rows.Count > take ? rows[..take] : rows;
        return ([.. items.Select(row => new PartnerDelivery(row.Delivery.SubscriptionId, row.Url, DeliveryResponse.From(row.Delivery)))],
            rows.Count > take ? Paging.EncodeCursor(DeliveriesList, items[^1].Delivery.Id) : null);
    }

    /// <summary>
    /// Sends a delivery of the owner's subscription again (the event id stays the same); 404 for anyone else's, 409 while the
    /// owning partner is not active.
    /// </summary>
    /// <param name="location">Where the subscriptions are read (<c>/{id}/deliveries</c> is appended).</param>
    public async Task<Results<Accepted<DeliveryResponse>, ProblemHttpResult>> RedeliverAsync(
        Guid? owner, Guid id, Guid deliveryId, string location, CancellationToken cancellationToken)
    {
        var delivery = await db.WebhookDeliveries.SingleOrDefaultAsync(
            delivery => delivery.Id == deliveryId && delivery.SubscriptionId == id
                && db.WebhookSubscriptions.Any(subscription => subscription.Id == id && subscription.PartnerId == owner),
            cancellationToken);
        if (delivery is null)
        {
            return Problems.NotFound("Delivery not found", $"Webhook {id} has no delivery {deliveryId}.");
        }

        // A partner that is not active gets no deliveries (the dispatcher would skip it again): say so rather than accept it.
        if (owner is { } partnerId && await db.PartnerStandings.AsNoTracking()
                .Where(standing => standing.PartnerId == partnerId && standing.Status != PartnerStanding.Active)
                .Select(standing => standing.Status).SingleOrDefaultAsync(cancellationToken) is { } status)
        {
            return Problems.Conflict("Partner not active", $"The partner is {status}: its webhooks get no deliveries until it is active again.");
        }

        delivery.Status = DeliveryStatuses.Pending;
        delivery.NextAttemptAt = timeProvider.GetUtcNow();
        delivery.Attempts = 0;
        await db.SaveChangesAsync(cancellationToken);
        dispatchSignal.Notify();
        return TypedResults.Accepted($"{location}/{id}/deliveries", DeliveryResponse.From(delivery));
    }

    /// <summary>The event types the owner may subscribe to: a partner only those about it that a partner may see.</summary>
    public static IReadOnlyList<string> EventTypesFor(Guid? owner) =>
        [.. (owner is null ? WebhookEventTypes.Names : WebhookEventTypes.PartnerNames).Order(StringComparer.Ordinal)];

    public static ProblemHttpResult NotFound(Guid id) => Problems.NotFound("Webhook not found", $"No webhook {id} of yours.");

    private async Task<WebhookSubscription?> CreatedBeforeAsync(Guid? owner, string? idempotencyKey, CancellationToken cancellationToken) =>
        idempotencyKey is null
            ? null
            : await db.WebhookSubscriptions.AsNoTracking()
                .SingleOrDefaultAsync(subscription => subscription.PartnerId == owner && subscription.IdempotencyKey == idempotencyKey, cancellationToken);

    /// <summary>URL and event types never change after creation, so they tell the same request from another one.</summary>
    private Results<Created<CreatedWebhookResponse>, Ok<WebhookResponse>, ValidationProblem, ProblemHttpResult> Replay(
        WebhookSubscription earlier, string url, string[] eventTypes) =>
        earlier.Url == url && earlier.EventTypes.SequenceEqual(eventTypes, StringComparer.Ordinal)
            ? TypedResults.Ok(Response(earlier))
            : IdempotencyKeys.Reused($"Idempotency-Key '{earlier.IdempotencyKey}' was already used to create webhook {earlier.Id} with another URL or other event types.");
}
