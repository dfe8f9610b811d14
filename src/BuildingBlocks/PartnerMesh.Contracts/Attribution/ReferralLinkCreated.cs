using MassTransit;

namespace PartnerMesh.Contracts.Attribution;

[MessageUrn("partnermesh:attribution:referral-link-created:v1")]
public sealed record ReferralLinkCreated : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid LinkId { get; init; }
    public required Guid PartnerId { get; init; }
    public required string Code { get; init; }
    public required string TargetUrl { get; init; }
}
