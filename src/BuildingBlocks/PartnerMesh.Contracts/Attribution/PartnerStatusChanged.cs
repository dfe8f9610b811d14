using MassTransit;

namespace PartnerMesh.Contracts.Attribution;

/// <summary>
/// A partner's onboarding status changed (an operator suspended, reinstated or onboarded it), or a partner was registered
/// with a status other than <c>active</c>. A consumer keeps the latest by <see cref="OccurredAt"/>.
/// </summary>
[MessageUrn("partnermesh:attribution:partner-status-changed:v1")]
public sealed record PartnerStatusChanged : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid PartnerId { get; init; }

    /// <summary>invited, pending, active or suspended; only an active partner's links credit and its accounts sign in.</summary>
    public required string Status { get; init; }
}
