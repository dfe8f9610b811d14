using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using PartnerMesh.Gateway.Diagnostics;
using Yarp.ReverseProxy.Forwarder;

namespace PartnerMesh.Gateway.Proxy;

/// <summary>
/// Runs inside YARP's pipeline: refuses paths with dot segments (Kestrel already resolves them; this keeps a
/// <c>/api/x/../../health</c> from ever reaching a service's probes through another host), lets upstream responses
/// pass through untouched (status code pages off), and turns a failed forward into problem details instead of YARP's
/// empty 502/503/504. A service that is not running or has no address is a 503 with <c>Retry-After</c>, so one missing
/// service never takes the others (or the gateway's start) down. A <c>CONNECT</c> (which the forwarder's client cannot
/// send: it failed as a 502) is asked of the service as <c>OPTIONS</c>, a method no service serves either, so the caller
/// gets a 405 with the service's own <c>Allow</c>, as for any other method the route does not take; the answer is
/// buffered so that its detail names the method the caller sent.
/// </summary>
public sealed class ProxyErrorMiddleware(RequestDelegate next, ILogger<ProxyErrorMiddleware> logger)
{
    // A service that is down is usually being restarted by its supervisor within seconds.
    private const string RetryAfterSeconds = "5";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }

        if (HasDotSegment(context.Request.Path))
        {
            await ProblemResponses.WriteAsync(context, StatusCodes.Status404NotFound, "No route matches this path.");
            return;
        }

        if (HttpMethods.IsConnect(context.Request.Method))
        {
            await AskWithOptionsAsync(context);
            return;
        }

        await next(context);
        await DescribeFailureAsync(context);
    }

    private async Task AskWithOptionsAsync(HttpContext context)
    {
        var originalBody = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        using var buffer = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(buffer));
        context.Request.Method = HttpMethods.Options;
        try
        {
            await next(context);
        }
        finally
        {
            context.Request.Method = HttpMethods.Connect;
            context.Features.Set(originalBody);
        }

        if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed && context.GetForwarderErrorFeature() is null)
        {
            var allow = context.Response.Headers.Allow.ToString();
            context.Response.Clear();
            await ProblemResponses.WriteAsync(context, StatusCodes.Status405MethodNotAllowed,
                $"CONNECT is not allowed at {context.Request.Path}; use {allow}.", response => response.Headers.Allow = allow);
            return;
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(context.Response.Body, context.RequestAborted);
        await DescribeFailureAsync(context);
    }

    private async Task DescribeFailureAsync(HttpContext context)
    {
        var error = context.GetForwarderErrorFeature();
        if (error is null || context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var (status, detail) = Describe(error);
        logger.LogWarning(error.Exception, "Forwarding {Path} failed: {ForwarderError}", context.Request.Path.Value, error.Error);
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
        }

        await ProblemResponses.WriteAsync(context, status, detail);
    }

    private static (int Status, string Detail) Describe(IForwarderErrorFeature error)
    {
        if (FindInner<BadHttpRequestException>(error.Exception) is { } badRequest)
        {
            return (badRequest.StatusCode, badRequest.Message);
        }

        if (FindInner<SocketException>(error.Exception) is { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return (StatusCodes.Status503ServiceUnavailable, "The service is not running right now; retry shortly.");
        }

        // Service discovery passes a name it has no configured address for through as a host name
        // (http://surveys-api): unless DNS knows it, the service is simply not there (yet).
        if (FindInner<HttpRequestException>(error.Exception) is { HttpRequestError: HttpRequestError.NameResolutionError })
        {
            return (StatusCodes.Status503ServiceUnavailable, "The service has no known address right now; retry shortly.");
        }

        return error.Error switch
        {
            ForwarderError.NoAvailableDestinations => (StatusCodes.Status503ServiceUnavailable, "The service is not available."),
            ForwarderError.RequestTimedOut => (StatusCodes.Status504GatewayTimeout, "The service did not answer in time."),
            ForwarderError.RequestBodyClient or ForwarderError.RequestBodyCanceled =>
                (StatusCodes.Status400BadRequest, "The request body could not be read."),
            _ => (StatusCodes.Status502BadGateway, "The service could not be reached."),
        };
    }

    /// <summary>Paths start with '/', so a dot segment is always preceded by "/.": most paths skip the split.</summary>
    private static bool HasDotSegment(PathString path) =>
        path.Value is { } value
        && value.Contains("/.", StringComparison.Ordinal)
        && value.Split('/').Any(segment => segment is "." or "..");

    private static T? FindInner<T>(Exception? exception)
        where T : Exception
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }
}
