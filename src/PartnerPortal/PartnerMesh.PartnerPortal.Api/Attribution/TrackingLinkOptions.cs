namespace PartnerMesh.PartnerPortal.Api.Attribution;

/// <summary>Where shoppers reach the click redirect, for the tracking URLs the portal shows (configuration section <c>PartnerPortal</c>).</summary>
public sealed class TrackingLinkOptions
{
    public const string SectionName = "PartnerPortal";

    public const string PublicBaseUrlRule = "PartnerPortal:PublicBaseUrl must be an absolute http or https URL without a query or fragment (e.g. https://shop.example).";

    /// <summary>
    /// The shop's public address (the gateway's, e.g. <c>https://shop.example</c>); a tracking URL is this plus
    /// <c>/r/{code}</c>. Unset: the scheme and host the partner's own request came to, as the gateway forwards them
    /// (<c>X-Forwarded-Proto</c>/<c>X-Forwarded-Host</c>), since the gateway serving the portal also serves the redirect.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    public static bool IsValid(TrackingLinkOptions options) =>
        options.PublicBaseUrl is null
        || (Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0);
}
