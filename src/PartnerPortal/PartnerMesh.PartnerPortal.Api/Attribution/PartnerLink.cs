namespace PartnerMesh.PartnerPortal.Api.Attribution;

/// <param name="TrackingPath">The click redirect on the shop's public address (<c>/r/{code}</c>).</param>
public sealed record PartnerLink(Guid Id, string Code, string TargetUrl, string TrackingPath, bool Active, DateTimeOffset CreatedAt)
{
    public Guid PartnerId { get; init; }

    /// <summary>The portal's addition: <see cref="TrackingPath"/> on the shop's public address, to paste into a post or an email.</summary>
    public string? TrackingUrl { get; init; }
}

public sealed record PartnerCode(string Code, string TrackingPath, bool Active)
{
    /// <summary>The portal's addition: <see cref="TrackingPath"/> on the shop's public address.</summary>
    public string? TrackingUrl { get; init; }
}

/// <param name="PaidClicks">Clicks carrying a paid-traffic click id (gclid, fbclid, …).</param>
public sealed record ClickSummary(Guid PartnerId, long Clicks, long DuplicateClicks, long UniqueVisitors, long PaidClicks, DateTimeOffset? LastClickAt);
