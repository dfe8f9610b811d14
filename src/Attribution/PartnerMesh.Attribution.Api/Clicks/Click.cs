namespace PartnerMesh.Attribution.Api.Clicks;

/// <summary>A shopper followed a referral link; recorded server-side at the redirect.</summary>
public sealed class Click
{
    public Guid Id { get; init; }

    public Guid LinkId { get; init; }

    public Guid PartnerId { get; init; }

    public required string Code { get; init; }

    public string? VisitorId { get; init; }

    public string? UtmSource { get; init; }

    public string? UtmMedium { get; init; }

    public string? UtmCampaign { get; init; }

    public string? UtmTerm { get; init; }

    public string? UtmContent { get; init; }

    public string? Referrer { get; init; }

    public string? UserAgent { get; init; }

    public string? Gclid { get; init; }

    public string? Fbclid { get; init; }

    public string? Msclkid { get; init; }

    public string? Ttclid { get; init; }

    public DateTimeOffset OccurredAt { get; init; }
}
