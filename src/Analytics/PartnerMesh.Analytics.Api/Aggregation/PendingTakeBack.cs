namespace PartnerMesh.Analytics.Api.Aggregation;

/// <summary>
/// A take-back the aggregator met before the order it takes from: a refund or cancellation (<c>RefundRecorded</c>) of an
/// order analytics does not know yet, or a sale rejected in review (<c>commission_rejected</c>) before the order's
/// conversion counted its commission. Attribution's facts travel on separate queues with no order between them, so such
/// a take-back often comes first. It counts nothing while it waits; the batch that counts its order (or the order's
/// conversion) applies it as if it had come then, in the same transaction, and deletes it, so the KPIs are the same
/// whatever the arrival order. Rebuilt by a replay (the log holds the events).
/// </summary>
public sealed class PendingTakeBack
{
    /// <summary>The event's log sequence: take-backs of one order are applied in log order.</summary>
    public long Sequence { get; init; }

    public required string OrderId { get; init; }

    /// <summary>The event as logged (<see cref="Ingestion.EventLog"/>'s JSON).</summary>
    public required string Payload { get; init; }
}
