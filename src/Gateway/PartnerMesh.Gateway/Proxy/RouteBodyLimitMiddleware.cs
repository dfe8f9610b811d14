using Microsoft.Extensions.Options;
using PartnerMesh.Gateway.Diagnostics;
using PartnerMesh.ServiceDefaults.WebApi;
using Yarp.ReverseProxy.Model;

namespace PartnerMesh.Gateway.Proxy;

/// <summary>
/// Holds a forwarded body to the route's service limit (<see cref="GatewayRoute.MaxRequestBodyBytes"/>). A service answers a
/// body above its limit with 413 and closes the connection while the gateway is still sending, which reached the caller as
/// a 502; so a declared length above the limit is a 413 here, before anything is sent, and an undeclared (chunked) one stops
/// at the limit while it is read (<see cref="ProxyErrorMiddleware"/> turns that into the same 413).
/// </summary>
public sealed class RouteBodyLimitMiddleware(RequestDelegate next, IOptions<WebApiOptions> webApi)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (GatewayRoutes.MaxRequestBodyBytesOf(context.GetReverseProxyFeature().Route.Config) is not { } routeLimit)
        {
            return next(context);
        }

        var limit = Math.Min(webApi.Value.MaxRequestBodyBytes, routeLimit);
        if (context.Request.ContentLength > limit)
        {
            return ProblemResponses.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, WebApiOptions.TooLargeDetail(limit));
        }

        RequestBodyLimit.Apply(context, limit);
        return next(context);
    }
}
