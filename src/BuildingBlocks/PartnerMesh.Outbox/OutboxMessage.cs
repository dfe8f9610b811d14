namespace PartnerMesh.Outbox;

/// <summary>An integration event waiting in the producer's own database to be relayed to the broker.</summary>
public sealed class OutboxMessage
{
    /// <summary>Equal to the event's <c>EventId</c>; becomes the broker <c>MessageId</c> consumers deduplicate on.</summary>
    public Guid Id { get; init; }

    public required string MessageUrn { get; init; }

    public required string Payload { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>W3C traceparent of the request that produced the event, so the relay's publish joins its trace.</summary>
    public string? TraceParent { get; init; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? PublishedAt { get; set; }

    /// <summary>Set when the relay gave up after <see cref="OutboxOptions.MaxAttempts"/>: left for an operator to inspect.</summary>
    public DateTimeOffset? ParkedAt { get; set; }

    public string? LastError { get; set; }
}
