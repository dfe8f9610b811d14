using MassTransit;

namespace PartnerMesh.Contracts.Attribution;

[MessageUrn("partnermesh:attribution:click-recorded:v1")]
public sealed record ClickRecorded : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid ClickId { get; init; }
    public required Guid PartnerId { get; init; }
    public required Guid LinkId { get; init; }
    public required string Code { get; init; }
    public string? VisitorId { get; init; }
    public string? UtmSource { get; init; }
    public string? UtmMedium { get; init; }
    public string? UtmCampaign { get; init; }
    public string? Referrer { get; init; }
}
