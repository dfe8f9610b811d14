namespace PartnerMesh.Attribution.Api.Clicks;

/// <summary>A shopper followed a referral link; recorded server-side at the redirect (or registered by a storefront).</summary>
public sealed class Click
{
    public Guid Id { get; init; }

    public Guid LinkId { get; init; }

    public Guid PartnerId { get; init; }

    public required string Code { get; init; }

    public string? VisitorId { get; init; }

    /// <summary>Hash of the source address and user agent: groups clicks of one browser that sends no cookie.</summary>
    public string? SourceKey { get; init; }

    public string? UtmSource { get; init; }

    public string? UtmMedium { get; init; }

    public string? UtmCampaign { get; init; }

    public string? UtmTerm { get; init; }

    public string? UtmContent { get; init; }

    public string? Referrer { get; init; }

    public string? LandingUrl { get; init; }

    public string? UserAgent { get; init; }

    public string? Gclid { get; init; }

    public string? Fbclid { get; init; }

    public string? Msclkid { get; init; }

    public string? Ttclid { get; init; }

    public string? LiFatId { get; init; }

    public string? Rdclid { get; init; }

    public string? Twclid { get; init; }

    /// <summary><c>redirect</c> or <c>server</c>.</summary>
    public string Source { get; init; } = "redirect";

    /// <summary>Repeats of this click inside the duplicate window, collapsed into it (a click-flooding signal).</summary>
    public int Duplicates { get; init; }

    /// <summary>When the visitor first followed the link (a repeat collapsed into this click keeps it).</summary>
    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>
    /// The latest time the visitor followed the link: <see cref="OccurredAt"/>, or its latest repeat collapsed into this click.
    /// Last-click attribution orders by it (a shopper who came back to this link after another partner's clicked it last);
    /// first-click and the window go by <see cref="OccurredAt"/>.
    /// </summary>
    public DateTimeOffset LastSeenAt { get; init; }

    public bool HasPaidClickId =>
        Gclid is not null || Fbclid is not null || Msclkid is not null || Ttclid is not null || LiFatId is not null || Rdclid is not null || Twclid is not null;
}
