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
    public required decimal CommissionAmount { get; init; }
    public required DateTimeOffset OrderedAt { get; init; }
}
