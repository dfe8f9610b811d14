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
    /// Stores the events whose ids are new (in the given order, which is the order the aggregator applies them in) and
    /// returns those ids; ids already in the log are left alone. Runs in the caller's transaction, if any.
    /// </summary>
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
                INSERT INTO raw_events (event_id, source, type, occurred_at, received_at, payload, aggregated_at, replayed)
                SELECT e.id, @source, e.type, e.at, @now, e.payload::jsonb, CASE WHEN @aggregated THEN @now END, false
                FROM unnest(@ids, @types, @ats, @payloads) WITH ORDINALITY AS e(id, type, at, payload, position)
                ORDER BY e.position
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
