using PartnerMesh.Gateway.Diagnostics;
using PartnerMesh.Gateway.Proxy;
using PartnerMesh.Gateway.RateLimiting;

namespace PartnerMesh.Gateway.Extensions;

public static class PipelineExtensions
{
    /// <summary>Request id and request metrics; first in the pipeline so every response, errors included, carries the id.</summary>
    public static IApplicationBuilder UseRequestTracking(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestTrackingMiddleware>();

    /// <summary>Long URLs and large headers refused with problem details (414, 431) before anything else reads them.</summary>
    public static IApplicationBuilder UseRequestTargetLimits(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestTargetLimitsMiddleware>();

    /// <summary>
    /// Unmatched <c>/api/**</c> paths still ask for a key (admin under <c>/api/gateway/</c>) before their 404 problem
    /// (written by status code pages, like every other unmatched path).
    /// </summary>
    public static IApplicationBuilder UseUnmatchedApiAuthorization(this IApplicationBuilder app) =>
        app.UseMiddleware<UnmatchedApiAuthorizationMiddleware>();

    /// <summary>
    /// After authorization: limits per authenticated key, or per client IP on anonymous routes (sign-in posts on their
    /// own, stricter budget).
    /// </summary>
    public static IApplicationBuilder UseGatewayRateLimiting(this IApplicationBuilder app) =>
        app.UseMiddleware<RateLimitingMiddleware>();

    public static IEndpointRouteBuilder MapGatewayProxy(this IEndpointRouteBuilder app)
    {
        app.MapReverseProxy(proxy =>
            {
                proxy.UseMiddleware<ProxyErrorMiddleware>();
                proxy.UseMiddleware<RouteBodyLimitMiddleware>();
                proxy.UseLoadBalancing();
            })
            .ConfigureEndpoints((endpoint, route) =>
                endpoint.WithMetadata(new GatewayRouteMetadata(route.RouteId, GatewayRoutes.AccessOf(route) != RouteAccess.ApiKey)));
        return app;
    }
}
