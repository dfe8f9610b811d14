namespace PartnerMesh.Coupons.Api.Offers;

/// <summary>
/// A cart analytics reported recovered (<c>CartRecovered</c>: its order arrived after it was reported abandoned). Kept so
/// that a <c>CartAbandoned</c> of the same cart consumed later (the two events travel on separate queues) schedules no
/// offer. Pruned <see cref="CouponsOptions.RecoveredCartRetention"/> after it was recorded.
/// </summary>
public sealed class RecoveredCart
{
    public required string CartId { get; init; }

    /// <summary>When the order was placed (the event's <c>OccurredAt</c>).</summary>
    public required DateTimeOffset RecoveredAt { get; init; }

    /// <summary>When coupons consumed the recovery (its own clock; what the prune goes by).</summary>
    public required DateTimeOffset RecordedAt { get; init; }
}
