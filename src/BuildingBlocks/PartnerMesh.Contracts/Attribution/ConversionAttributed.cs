using MassTransit;

namespace PartnerMesh.Contracts.Attribution;

/// <summary>An order was credited to a partner and a commission was booked for it.</summary>
[MessageUrn("partnermesh:attribution:conversion-attributed:v1")]
public sealed record ConversionAttributed : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid ConversionId { get; init; }
    public required string OrderId { get; init; }
    public required Guid PartnerId { get; init; }
    public Guid? ClickId { get; init; }
    public required decimal OrderAmount { get; init; }
    public required string Currency { get; init; }
    /// <summary>The credited partner's sale commission for the order, in <see cref="CommissionCurrency"/>.</summary>
    public required decimal CommissionAmount { get; init; }
    public required DateTimeOffset OrderedAt { get; init; }
    /// <summary>
    /// The currency of <see cref="CommissionAmount"/>: the order's for a percent plan, the program's for a fixed commission
    /// (EUR 5 on a JPY order). Absent (events written before it existed, or no commission booked): <see cref="Currency"/>;
    /// such older events stated a commission booked in another currency as 0.
    /// </summary>
    public string? CommissionCurrency { get; init; }
}
