using MassTransit;

namespace PartnerMesh.Contracts.Attribution;

/// <summary>A fraud rule fired; the commission it concerns (if any) is held for review.</summary>
[MessageUrn("partnermesh:attribution:fraud-flag-raised:v1")]
public sealed record FraudFlagRaised : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid PartnerId { get; init; }
    /// <summary><c>self-referral</c>, <c>click-flooding</c>, <c>fast-conversion</c>, <c>paid-search-policy</c>, <c>code-leak</c> or <c>disposable-email</c>.</summary>
    public required string Rule { get; init; }
    public string? Detail { get; init; }
    public string? OrderId { get; init; }
    public Guid? CommissionId { get; init; }
    public Guid? ClickId { get; init; }
}
