using MassTransit;

namespace PartnerMesh.Contracts.Attribution;

/// <summary>A commission entry is held for review because fraud rules fired; it is never dropped silently.</summary>
[MessageUrn("partnermesh:attribution:commission-held:v1")]
public sealed record CommissionHeld : IIntegrationEvent
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
    public required IReadOnlyList<string> Reasons { get; init; }
}
