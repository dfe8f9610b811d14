using MassTransit;

namespace PartnerMesh.Contracts.Attribution;

/// <summary>A commission entry was booked for a partner (pending its hold period, or held for review).</summary>
[MessageUrn("partnermesh:attribution:commission-booked:v1")]
public sealed record CommissionBooked : IIntegrationEvent
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
    /// <summary><c>pending</c> or <c>held</c>.</summary>
    public required string Status { get; init; }
    public DateTimeOffset? HoldUntil { get; init; }
    public int? PlanVersion { get; init; }
}
