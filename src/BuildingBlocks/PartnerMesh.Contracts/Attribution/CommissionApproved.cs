using MassTransit;

namespace PartnerMesh.Contracts.Attribution;

/// <summary>A commission entry passed its hold period (or a review) and is payable.</summary>
[MessageUrn("partnermesh:attribution:commission-approved:v1")]
public sealed record CommissionApproved : IIntegrationEvent
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
    /// <summary><c>hold-elapsed</c> or <c>review</c>.</summary>
    public required string ApprovedBy { get; init; }
}
