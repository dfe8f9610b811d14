using MassTransit;

namespace PartnerMesh.Contracts.Attribution;

/// <summary>
/// A storefront reported a refund (partial or full) or a cancellation of a completed order; attribution records it once
/// per <see cref="RefundId"/> and reverses or claws back the order's commission. <see cref="PartnerId"/> is the partner
/// the order was credited to, when it was. Analytics uses it for refund rates and net revenue.
/// </summary>
[MessageUrn("partnermesh:attribution:refund-recorded:v1")]
public sealed record RefundRecorded : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    /// <summary>The storefront's id of this refund (its idempotency key).</summary>
    public required string RefundId { get; init; }
    public required string OrderId { get; init; }
    /// <summary><c>refund</c> or <c>cancellation</c>.</summary>
    public required string Kind { get; init; }
    public required decimal Amount { get; init; }
    public required string Currency { get; init; }
    /// <summary>True when the order is now refunded in full (this refund and earlier ones together).</summary>
    public required bool IsFullRefund { get; init; }
    public required DateTimeOffset RefundedAt { get; init; }
    public Guid? PartnerId { get; init; }
    /// <summary>
    /// The sale commission of <see cref="PartnerId"/> taken back by this refund, in <see cref="CommissionCurrency"/>
    /// (positive): the counterpart of <see cref="ConversionAttributed.CommissionAmount"/>, zero when there is none. Other
    /// partners' entries on the order (a referrer's milestone bonus) are reversed under their own partner by
    /// <see cref="CommissionReversed"/>.
    /// </summary>
    public required decimal CommissionReversed { get; init; }
    /// <summary>
    /// The currency of <see cref="CommissionReversed"/>: the sale commission's, which is the program's for a fixed
    /// commission on an order in another currency (EUR 5 on a JPY order). Absent (events written before it existed, or no
    /// sale commission): <see cref="Currency"/>, in which such events stated only a commission in the order's currency.
    /// </summary>
    public string? CommissionCurrency { get; init; }
}
