using MassTransit;

namespace PartnerMesh.Contracts.Attribution;

/// <summary>
/// An order's credit moved to another partner after it was recorded: a partner code used by the order became known only
/// afterwards (coupons' <c>CouponRedeemed</c> arrived after the order) and the program gives codes precedence. The
/// previous partner's commission for the order was reversed (<c>CommissionReversed</c>), the new one booked
/// (<c>CommissionBooked</c>).
/// </summary>
[MessageUrn("partnermesh:attribution:conversion-reattributed:v1")]
public sealed record ConversionReattributed : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid ConversionId { get; init; }
    public required string OrderId { get; init; }
    /// <summary><c>null</c> when the order had not been attributed to anyone.</summary>
    public Guid? PreviousPartnerId { get; init; }
    public required Guid PartnerId { get; init; }
    public required string Reason { get; init; }
    public required decimal OrderAmount { get; init; }
    public required string Currency { get; init; }
    /// <summary>The new partner's sale commission for the order, in <see cref="CommissionCurrency"/>.</summary>
    public required decimal CommissionAmount { get; init; }
    public required DateTimeOffset OrderedAt { get; init; }
    /// <summary>
    /// The currency of <see cref="CommissionAmount"/>, as in <see cref="ConversionAttributed.CommissionCurrency"/>; absent
    /// (older events, or no commission booked): <see cref="Currency"/>.
    /// </summary>
    public string? CommissionCurrency { get; init; }
}
