using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts;
using PartnerMesh.Data;
using PartnerMesh.PartnerPortal.Api.Infrastructure;

namespace PartnerMesh.PartnerPortal.Api.Webhooks;

/// <summary>
/// Turns every integration event into deliveries for the subscriptions that want it: tools' subscriptions to its type get
/// the whole event; the subscriptions of each partner the event is about, for the types partners may receive
/// (<see cref="WebhookEventTypes"/>), get that partner's own payload (<see cref="PartnerWebhookPayloads"/>), never the
/// event. One read of the subscriptions and one insert per event; the (subscription, event) key makes a redelivered message
/// fan out once. Subscriptions switched off for failing get them too (they wait); those switched off by their owner do not.
/// The dispatcher sends them. An event type no subscription wants costs no database round trip
/// (<see cref="WebhookInterest"/>).
/// </summary>
public sealed class WebhookFanOutConsumer<TEvent>(PortalDbContext db, WebhookDispatchSignal signal, WebhookInterest interest, TimeProvider timeProvider)
    : IConsumer<TEvent>
    where TEvent : class, IIntegrationEvent
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task Consume(ConsumeContext<TEvent> context)
    {
        var message = context.Message;
        var type = WebhookEventTypes.Of(typeof(TEvent));
        if (!await interest.AnyWantsAsync(type, db, context.CancellationToken))
        {
            return;
        }

        // A subscription switched off for failing (disabled_at) still records its events: they wait for it to be switched on
        // again. One its owner switched off records none.
        // None for types partners may not receive: then no partner-owned subscription matches, even one stored before the rule.
        var partnerPayloads = WebhookEventTypes.PartnerPayloadsOf(message);
        Guid[] partners = [.. partnerPayloads.Select(payload => payload.PartnerId)];
        string[] payloads = [.. partnerPayloads.Select(payload => Envelope(message, type, payload.Data))];
        var targets = await db.Database.SqlQuery<FanOutTarget>($"""
            SELECT s.id AS subscription_id, p.payload
            FROM webhook_subscriptions s
            LEFT JOIN unnest({partners}::uuid[], {payloads}::text[]) AS p(partner_id, payload) ON p.partner_id = s.partner_id
            WHERE (s.active OR s.disabled_at IS NOT NULL) AND (s.event_types @> ARRAY[{type}]::text[] OR s.event_types @> ARRAY['*']::text[])
              AND (s.partner_id IS NULL OR p.partner_id IS NOT NULL)
            """).ToListAsync(context.CancellationToken);
        if (targets.Count == 0)
        {
            return;
        }

        // Time-ordered (version 7) ids, as every id here: the delivery log lists newest first by id.
        var now = StorageTime.Now(timeProvider);
        Guid[] ids = [.. targets.Select(_ => Guid.CreateVersion7(now))];
        Guid[] subscriptions = [.. targets.Select(target => target.SubscriptionId)];
        string?[] bodies = [.. targets.Select(target => target.Payload)];
        var toolPayload = Envelope(message, type, message);
        var created = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, payload, status, attempts, next_attempt_at, created_at)
            SELECT d.id, d.subscription_id, {message.EventId}, {type}, COALESCE(d.payload, {toolPayload})::jsonb, 'pending', 0, {now}, {now}
            FROM unnest({ids}::uuid[], {subscriptions}::uuid[], {bodies}::text[]) AS d(id, subscription_id, payload)
            ON CONFLICT (subscription_id, event_id) DO NOTHING
            """, context.CancellationToken);
        if (created > 0)
        {
            signal.Notify();
        }
    }

    private static string Envelope(TEvent message, string type, object data) =>
        JsonSerializer.Serialize(new WebhookEnvelope(message.EventId, type, message.OccurredAt, data), Json);

    /// <summary>A subscription the event goes to, with its partner's payload (null for a tool's: the whole event).</summary>
    private sealed record FanOutTarget(Guid SubscriptionId, string? Payload);
}

/// <summary>What a receiver gets: the event's id, type and time, and as <c>data</c> the event (tools) or the partner's payload.</summary>
public sealed record WebhookEnvelope(Guid Id, string Type, DateTimeOffset OccurredAt, object Data);

/// <summary>Every fan-out consumer shares one queue (<c>partner-portal-webhooks</c>) bound to every event's exchange.</summary>
public sealed class WebhookFanOutDefinition<TEvent> : ConsumerDefinition<WebhookFanOutConsumer<TEvent>>
    where TEvent : class, IIntegrationEvent
{
    public WebhookFanOutDefinition() => EndpointName = "partner-portal-webhooks";
}

public static class WebhookRegistration
{
    public static void AddWebhookFanOut(this IBusRegistrationConfigurator bus)
    {
        foreach (var eventType in IntegrationEventTypes.All)
        {
            bus.AddConsumer(typeof(WebhookFanOutConsumer<>).MakeGenericType(eventType), typeof(WebhookFanOutDefinition<>).MakeGenericType(eventType));
        }
    }
}
