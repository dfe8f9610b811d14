using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts;

namespace PartnerMesh.Outbox;

public static class OutboxDbContextExtensions
{
    internal static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Stages an integration event in the same DbContext as the state change: the caller's single
    /// <c>SaveChangesAsync</c> commits both or neither.
    /// </summary>
    public static void AddIntegrationEvent(this DbContext db, IIntegrationEvent integrationEvent) =>
        db.AddIntegrationEvent(integrationEvent, Activity.Current?.Id);

    /// <param name="traceParent">The trace the event belongs to, when it is staged outside the request that caused it
    /// (e.g. by a group commit on a background task).</param>
    public static void AddIntegrationEvent(this DbContext db, IIntegrationEvent integrationEvent, string? traceParent)
    {
        var eventType = integrationEvent.GetType();
        db.Set<OutboxMessage>().Add(new OutboxMessage
        {
            Id = integrationEvent.EventId,
            MessageUrn = IntegrationEventTypes.UrnOf(eventType),
            Payload = JsonSerializer.Serialize(integrationEvent, eventType, SerializerOptions),
            OccurredAt = integrationEvent.OccurredAt,
            NextAttemptAt = integrationEvent.OccurredAt,
            TraceParent = traceParent,
        });
    }
}
