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
    public string? UtmTerm { get; init; }
    public string? UtmContent { get; init; }
    /// <summary>The page the shopper landed on (the redirect's destination, or what a storefront reported).</summary>
    public string? LandingUrl { get; init; }
    /// <summary>Paid-traffic click ids: Google, Meta, Microsoft, TikTok, LinkedIn, Reddit, X.</summary>
    public string? Gclid { get; init; }
    public string? Fbclid { get; init; }
    public string? Msclkid { get; init; }
    public string? Ttclid { get; init; }
    public string? LiFatId { get; init; }
    public string? Rdclid { get; init; }
    public string? Twclid { get; init; }
    /// <summary><c>redirect</c> (our <c>/r/{code}</c>) or <c>server</c> (registered by a storefront's own redirect).</summary>
    public string? Source { get; init; }
    public Guid? ProgramId { get; init; }
}
