using System.Diagnostics.Metrics;

namespace PartnerMesh.Gateway.Diagnostics;

/// <summary>Meter <c>PartnerMesh.Gateway</c>: requests by route and outcome, rate-limit rejections, authentication failures.</summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "PartnerMesh.Gateway";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _rateLimitRejections;
    private readonly Counter<long> _authenticationFailures;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>(
            "partnermesh.gateway.requests", "{request}", "Requests handled by the gateway, by route and outcome.");
        _rateLimitRejections = meter.CreateCounter<long>(
            "partnermesh.gateway.rate_limit.rejections", "{request}", "Requests rejected with 429, by limit kind (api_key, client_ip, sign_in).");
        _authenticationFailures = meter.CreateCounter<long>(
            "partnermesh.gateway.auth.failures", "{request}", "Requests refused with 401 or 403, by reason.");
    }

    public void RequestCompleted(string route, int statusCode) =>
        _requests.Add(1,
            new KeyValuePair<string, object?>("route", route),
            new KeyValuePair<string, object?>("outcome", Outcome(statusCode)),
            new KeyValuePair<string, object?>("http.response.status_code", statusCode));

    public void RateLimitRejected(string kind) => _rateLimitRejections.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void AuthenticationFailed(string reason) => _authenticationFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    private static string Outcome(int statusCode) => statusCode switch
    {
        < 400 => "success",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        413 => "payload_too_large",
        429 => "rate_limited",
        < 500 => "client_error",
        502 or 503 or 504 => "upstream_error",
        _ => "server_error",
    };
}
