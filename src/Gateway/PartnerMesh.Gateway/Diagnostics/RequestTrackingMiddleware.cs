using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Primitives;

namespace PartnerMesh.Gateway.Diagnostics;

/// <summary>
/// Outermost middleware: settles the request id (the client's <c>X-Request-Id</c> when it is 1..64 characters of
/// <c>[A-Za-z0-9._-]</c>, else a new one), forwards it, returns it on every response (errors included), tags the
/// current activity with it, and counts the request by route and outcome once it completes.
/// </summary>
public sealed class RequestTrackingMiddleware(RequestDelegate next, GatewayMetrics metrics)
{
    public const string HeaderName = "X-Request-Id";
    public const string ActivityTag = "partnermesh.request_id";

    private static readonly SearchValues<char> AllowedCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    public async Task InvokeAsync(HttpContext context)
    {
        var presented = context.Request.Headers[HeaderName];
        var requestId = IsValid(presented) ? presented.ToString() : NewRequestId();
        context.Request.Headers[HeaderName] = requestId;
        context.TraceIdentifier = requestId;
        Activity.Current?.SetTag(ActivityTag, requestId);
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = requestId;
            return Task.CompletedTask;
        });

        try
        {
            await next(context);
        }
        finally
        {
            metrics.RequestCompleted(RouteOf(context), context.Response.StatusCode);
        }
    }

    public static bool IsValid(StringValues values) =>
        values.Count == 1 && values[0] is { Length: >= 1 and <= 64 } value && !value.AsSpan().ContainsAnyExcept(AllowedCharacters);

    private static string NewRequestId() => Guid.NewGuid().ToString("N");

    /// <summary>Proxied routes and the key API carry <see cref="GatewayRouteMetadata"/>; probes and OpenAPI are "gateway".</summary>
    private static string RouteOf(HttpContext context) =>
        context.GetEndpoint() is { } endpoint
            ? endpoint.Metadata.GetMetadata<GatewayRouteMetadata>()?.RouteId ?? "gateway"
            : "unmatched";
}
