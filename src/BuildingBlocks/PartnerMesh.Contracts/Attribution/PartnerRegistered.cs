using MassTransit;

namespace PartnerMesh.Contracts.Attribution;

[MessageUrn("partnermesh:attribution:partner-registered:v1")]
public sealed record PartnerRegistered : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid PartnerId { get; init; }
    public required string Name { get; init; }
    public required string Email { get; init; }

    /// <summary>Partner kind: affiliate, influencer or ambassador.</summary>
    public required string Kind { get; init; }
    public required decimal CommissionRate { get; init; }
}
