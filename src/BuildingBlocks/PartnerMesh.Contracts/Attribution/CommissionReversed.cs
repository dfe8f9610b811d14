using MassTransit;

namespace PartnerMesh.Contracts.Attribution;

/// <summary>A refund, cancellation or review rejection took commission back: a negative entry (a clawback when the original was already paid) or a rejected entry.</summary>
[MessageUrn("partnermesh:attribution:commission-reversed:v1")]
public sealed record CommissionReversed : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid CommissionId { get; init; }
    public required Guid PartnerId { get; init; }
    public Guid? ProgramId { get; init; }
    public string? OrderId { get; init; }
    /// <summary><c>sale</c>, <c>lead</c>, <c>click</c>, <c>milestone</c>, <c>reversal</c> or <c>clawback</c>.</summary>
    public required string Kind { get; init; }
    /// <summary>Signed: reversals and clawbacks are negative.</summary>
    public required decimal Amount { get; init; }
    public required string Currency { get; init; }
    public Guid? OriginalCommissionId { get; init; }
    public string? RefundId { get; init; }
    /// <summary><c>refund</c>, <c>cancellation</c> or <c>rejected</c>.</summary>
    public required string Reason { get; init; }
}
