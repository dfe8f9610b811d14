using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PartnerMesh.Analytics.Api.Infrastructure;

namespace PartnerMesh.Analytics.Api.Ingestion;

/// <summary>Appends events to the analytics log in one statement, each event id once.</summary>
public static class EventLog
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Stores the events whose ids are new and returns those ids; ids already in the log are left alone. Runs in the
    /// caller's transaction, if any.
    /// </summary>
    /// <remarks>
    /// The events take their log sequence (the order the aggregator applies them in) in the given order, but the rows are
    /// inserted in event id order: two batches holding the same ids in different orders (a resent batch racing the
    /// first copy) then wait for each other's ids in one order instead of deadlocking on the event id index.
    /// </remarks>
    public static async Task<HashSet<string>> AppendAsync(
        this AnalyticsDbContext db,
        string source,
        IReadOnlyList<(string EventId, AnalyticsEvent Event)> events,
        DateTimeOffset now,
        CancellationToken cancellationToken,
        bool aggregated = false)
    {
        if (events.Count == 0)
        {
            return [];
        }

        var inserted = await db.Database.SqlQueryRaw<string>(
                """
                WITH batch AS MATERIALIZED (
                    SELECT nextval(pg_get_serial_sequence('raw_events', 'sequence')) AS sequence, e.id, e.type, e.at, e.payload
                    FROM unnest(@ids, @types, @ats, @payloads) WITH ORDINALITY AS e(id, type, at, payload, position)
                    ORDER BY e.position
                )
                INSERT INTO raw_events (sequence, event_id, source, type, occurred_at, received_at, payload, aggregated_at, replayed)
                OVERRIDING SYSTEM VALUE
                SELECT b.sequence, b.id, @source, b.type, b.at, @now, b.payload::jsonb, CASE WHEN @aggregated THEN @now END, false
                FROM batch b
                ORDER BY b.id COLLATE "C"
                ON CONFLICT (event_id) DO NOTHING
                RETURNING event_id AS "Value"
                """,
                new NpgsqlParameter("source", source),
                new NpgsqlParameter("now", now),
                new NpgsqlParameter("aggregated", aggregated),
                new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = events.Select(e => e.EventId).ToArray() },
                new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = events.Select(e => e.Event.Type).ToArray() },
                new NpgsqlParameter("ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = events.Select(e => e.Event.OccurredAt.ToUniversalTime()).ToArray() },
                new NpgsqlParameter("payloads", NpgsqlDbType.Array | NpgsqlDbType.Text)
                {
                    Value = events.Select(e => JsonSerializer.Serialize(e.Event, Json)).ToArray(),
                })
            .ToListAsync(cancellationToken);
        return inserted.ToHashSet(StringComparer.Ordinal);
    }

    public static AnalyticsEvent Read(string payload) =>
        JsonSerializer.Deserialize<AnalyticsEvent>(payload, Json) ?? throw new InvalidOperationException("Empty analytics event payload.");
}
