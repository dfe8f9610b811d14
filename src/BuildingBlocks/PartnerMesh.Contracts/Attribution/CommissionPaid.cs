using MassTransit;

namespace PartnerMesh.Contracts.Attribution;

/// <summary>A partner was paid the net of its approved entries in a payout batch.</summary>
[MessageUrn("partnermesh:attribution:commission-paid:v1")]
public sealed record CommissionPaid : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid PayoutBatchId { get; init; }
    public required Guid PartnerId { get; init; }
    public required decimal Amount { get; init; }
    public required string Currency { get; init; }
    public required int EntryCount { get; init; }
}
