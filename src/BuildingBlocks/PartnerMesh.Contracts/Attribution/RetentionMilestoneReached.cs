using MassTransit;

namespace PartnerMesh.Contracts.Attribution;

/// <summary>
/// A referred customer reached a retention milestone (nth order or active N days) and the referring partner earned a
/// bonus: <see cref="Bonus"/>, less than the plan's when the partner's or program's budget capped it
/// (<see cref="Note"/> <c>budget-capped</c>), zero and no ledger entry when nothing was left (<c>budget-exhausted</c>) or
/// when the partner may not earn (<c>partner-not-active</c>, <c>agreement-not-accepted</c>).
/// </summary>
[MessageUrn("partnermesh:attribution:retention-milestone-reached:v1")]
public sealed record RetentionMilestoneReached : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid PartnerId { get; init; }
    public required Guid ProgramId { get; init; }
    public required string CustomerId { get; init; }
    /// <summary><c>order-count</c> or <c>active-days</c>.</summary>
    public required string Milestone { get; init; }
    public required int Threshold { get; init; }
    public required string OrderId { get; init; }
    public required decimal Bonus { get; init; }
    public required string Currency { get; init; }
    /// <summary><c>budget-capped</c>, or with a zero bonus <c>budget-exhausted</c>, <c>partner-not-active</c> or
    /// <c>agreement-not-accepted</c>; null when the plan's whole bonus was booked.</summary>
    public string? Note { get; init; }
}
