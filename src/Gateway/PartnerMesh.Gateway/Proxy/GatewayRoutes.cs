using System.Globalization;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.WebApi;
using Yarp.ReverseProxy.Configuration;

namespace PartnerMesh.Gateway.Proxy;

/// <summary>
/// The route table (docs/architecture.md, "Gateway routes"): one prefix per service, the path forwarded unchanged.
/// Anything not listed here is a 404 at the gateway, including the services' own <c>/health</c> and <c>/alive</c>.
/// Each service is one cluster whose single destination is its logical address (<c>http://attribution-api</c>), which
/// service discovery resolves to the instances configured as <c>services:attribution-api:http:*</c>.
/// </summary>
public static class GatewayRoutes
{
    public const string AccessMetadataKey = "PartnerMesh.Access";
    public const string MaxRequestBodyBytesMetadataKey = "PartnerMesh.MaxRequestBodyBytes";

    public static readonly IReadOnlyList<GatewayRoute> All =
    [
        new("attribution", "/api/attribution/{**rest}", ResourceNames.AttributionApi, RouteAccess.ApiKey),
        new("promotions", "/api/promotions/{**rest}", ResourceNames.PromotionsApi, RouteAccess.ApiKey),
        new("coupons", "/api/coupons/{**rest}", ResourceNames.CouponsApi, RouteAccess.ApiKey),
        new("surveys", "/api/surveys/{**rest}", ResourceNames.SurveysApi, RouteAccess.ApiKey),
        new("analytics", "/api/analytics/{**rest}", ResourceNames.AnalyticsApi, RouteAccess.ApiKey, WebApiOptions.BatchMaxRequestBodyBytes),
        new("portal-api", "/api/portal/{**rest}", ResourceNames.PartnerPortalApi, RouteAccess.ApiKey),
        new("click-redirect", "/r/{code}", ResourceNames.AttributionApi, RouteAccess.Anonymous, Methods: ["GET", "HEAD"]),
        new("portal", "/portal/{**rest}", ResourceNames.PartnerPortalApi, RouteAccess.Portal),
    ];

    public static IReadOnlyList<RouteConfig> Routes { get; } = [.. All.Select(ToRouteConfig)];

    public static IReadOnlyList<ClusterConfig> Clusters { get; } =
        [.. All.Select(route => route.Service).Distinct(StringComparer.Ordinal).Select(ToClusterConfig)];

    public static RouteConfig ToRouteConfig(GatewayRoute route) => new()
    {
        RouteId = route.RouteId,
        ClusterId = route.Service,
        Match = new RouteMatch { Path = route.Path, Methods = route.Methods },
        AuthorizationPolicy = route.Access == RouteAccess.ApiKey ? ApiKeyAuthentication.ApiKeyPolicy : "Anonymous",
        Metadata = new Dictionary<string, string>
        {
            [AccessMetadataKey] = route.Access.ToString(),
            [MaxRequestBodyBytesMetadataKey] = route.MaxRequestBodyBytes.ToString(CultureInfo.InvariantCulture),
        },
    };

    public static ClusterConfig ToClusterConfig(string service) => new()
    {
        ClusterId = service,
        // Kestrel reads request headers as UTF-8; the forwarder's client sends only ASCII unless told otherwise, and a
        // shopper's "café" in a cookie or User-Agent made every forward fail (502, a click lost). Sent as UTF-8, as read.
        HttpClient = new HttpClientConfig { RequestHeaderEncoding = "utf-8" },
        Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal)
        {
            [service] = new() { Address = $"http://{service}" },
        },
    };

    public static RouteAccess AccessOf(RouteConfig route) =>
        route.Metadata?.TryGetValue(AccessMetadataKey, out var value) == true && Enum.TryParse<RouteAccess>(value, out var access)
            ? access
            : RouteAccess.ApiKey;

    /// <summary>The route's body limit, or null for a route without one (the gateway's own limit applies).</summary>
    public static long? MaxRequestBodyBytesOf(RouteConfig route) =>
        route.Metadata?.TryGetValue(MaxRequestBodyBytesMetadataKey, out var value) == true
            && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            ? limit
            : null;
}
