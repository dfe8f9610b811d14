using Microsoft.Extensions.Options;

namespace PartnerMesh.PartnerPortal.Api.Attribution;

/// <summary>
/// Absolute tracking URLs from attribution's tracking paths (<c>/r/{code}</c>): a partner pastes them into a post or an
/// email, where a path alone leads nowhere.
/// </summary>
public sealed class TrackingLinks(IOptions<TrackingLinkOptions> options)
{
    /// <summary>The configured public base URL, or the scheme and host of <paramref name="request"/> (forwarded ones from the gateway).</summary>
    public string PublicBase(HttpRequest request) =>
        options.Value.PublicBaseUrl?.TrimEnd('/') ?? $"{request.Scheme}://{request.Host.ToUriComponent()}";

    /// <summary>
    /// The tracking path on <paramref name="publicBase"/>; null unless the path is a path on the site (never another scheme
    /// or host), which is then shown as text and never as a link.
    /// </summary>
    public static string? Absolute(string publicBase, string trackingPath) =>
        IsSitePath(trackingPath) ? publicBase + trackingPath : null;

    private static bool IsSitePath(string path) => path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal) && !path.Contains('\\');
}
