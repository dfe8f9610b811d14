namespace PartnerMesh.PartnerPortal.Api.Attribution;

/// <param name="TrackingPath">The click redirect on the shop's public address (<c>/r/{code}</c>).</param>
public sealed record PartnerLink(Guid Id, string Code, string TargetUrl, string TrackingPath, bool Active, DateTimeOffset CreatedAt);

public sealed record PartnerCode(string Code, string TrackingPath, bool Active);

/// <param name="PaidClicks">Clicks carrying a paid-traffic click id (gclid, fbclid, …).</param>
public sealed record ClickSummary(Guid PartnerId, long Clicks, long DuplicateClicks, long UniqueVisitors, long PaidClicks, DateTimeOffset? LastClickAt);
