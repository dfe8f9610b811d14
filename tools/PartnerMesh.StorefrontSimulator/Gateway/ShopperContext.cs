namespace PartnerMesh.StorefrontSimulator.Gateway;

/// <summary>Who follows a referral link: a visitor id (sent as the <c>pm_vid</c> cookie, 32 hex digits), a browser and a referrer.</summary>
public sealed record ShopperContext(string VisitorId, string UserAgent, string? Referrer);
