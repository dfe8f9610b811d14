namespace PartnerMesh.Analytics.Api.Ingestion;

/// <summary>
/// The durable analytics log: one row per event id (a resent event is not stored twice). <see cref="AggregatedAt"/> is
/// null until the aggregator applied it; a replay clears it on every row and rebuilds the aggregates in
/// <see cref="Sequence"/> order.
/// </summary>
public sealed class RawEvent
{
    public required string EventId { get; init; }

    public long Sequence { get; init; }

    /// <summary><c>storefront</c>, <c>bus</c> or <c>analytics</c>.</summary>
    public required string Source { get; init; }

    public required string Type { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The <see cref="AnalyticsEvent"/> as JSON.</summary>
    public required string Payload { get; init; }

    public DateTimeOffset? AggregatedAt { get; set; }

    /// <summary>Set by a replay: the event's side effects (published events) already happened once.</summary>
    public bool Replayed { get; set; }
}

public static class EventSources
{
    public const string Storefront = "storefront";
    public const string Bus = "bus";
    public const string Analytics = "analytics";
}
