using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.Gateway.Diagnostics;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Gateway.RateLimiting;

/// <summary>
/// Limits authenticated requests per API key (the key's own limit) and anonymous routes per client IP; sign-in attempts
/// (<c>POST /portal/login</c>) per client IP have their own, stricter budget instead of the anonymous one. Every limited
/// response carries <c>RateLimit-Limit/-Remaining/-Reset</c> and the <c>X-RateLimit-*</c> equivalents; over the limit
/// the answer is 429 problem details with <c>Retry-After</c>.
/// </summary>
public sealed class RateLimitingMiddleware(
    RequestDelegate next, FixedWindowRateLimiter limiter, IOptions<GatewayOptions> options, GatewayMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var (kind, partition, limit) = Partition(context);
        if (partition is null)
        {
            await next(context);
            return;
        }

        var decision = await limiter.AcquireAsync(partition, limit);
        var limitText = decision.Limit.ToString(CultureInfo.InvariantCulture);
        var remainingText = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        var resetText = decision.ResetSeconds.ToString(CultureInfo.InvariantCulture);
        // Set as the response starts, not now: the exception handler clears the headers of a response it rewrites (a body
        // the gateway's own endpoints cannot read, a 5xx), and that answer was counted too.
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers["RateLimit-Limit"] = limitText;
            headers["RateLimit-Remaining"] = remainingText;
            headers["RateLimit-Reset"] = resetText;
            headers["X-RateLimit-Limit"] = limitText;
            headers["X-RateLimit-Remaining"] = remainingText;
            headers["X-RateLimit-Reset"] = resetText;
            return Task.CompletedTask;
        });

        if (decision.Allowed)
        {
            await next(context);
            return;
        }

        metrics.RateLimitRejected(kind);
        await ProblemResponses.WriteAsync(
            context,
            StatusCodes.Status429TooManyRequests,
            $"Rate limit of {decision.Limit} requests per minute exceeded; retry in {decision.ResetSeconds} s.",
            response => response.Headers[HeaderNames.RetryAfter] = resetText);
    }

    private (string Kind, string? Partition, int Limit) Partition(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GatewayRouteMetadata>() is { LimitPerClientIp: true })
        {
            var address = context.Connection.RemoteIpAddress;
            var ip = address is null ? "unknown" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
            return IsSignIn(context.Request)
                ? ("sign_in", "signin:" + ip, options.Value.SignInRateLimitPerMinute)
                : ("client_ip", "ip:" + ip, options.Value.AnonymousRateLimitPerMinute);
        }

        var keyId = context.User.FindFirst(PartnerMeshClaims.KeyId)?.Value;
        if (keyId is not null
            && int.TryParse(context.User.FindFirst(ApiKeyAuthentication.RateLimitClaim)?.Value, CultureInfo.InvariantCulture, out var keyLimit))
        {
            return ("api_key", keyId, keyLimit);
        }

        return ("none", null, 0);
    }

    /// <summary>
    /// The portal's sign-in form post (<c>PortalSession.LoginPath</c> in the portal). Matched as the portal's routing
    /// would match it, case-insensitively and ignoring empty segments (<c>/Portal//login/</c>), so a spelling of the
    /// path cannot move the attempts onto the looser anonymous budget.
    /// </summary>
    private static bool IsSignIn(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method) || request.Path.Value is not { } path)
        {
            return false;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length == 2
            && segments[0].Equals("portal", StringComparison.OrdinalIgnoreCase)
            && segments[1].Equals("login", StringComparison.OrdinalIgnoreCase);
    }
}
