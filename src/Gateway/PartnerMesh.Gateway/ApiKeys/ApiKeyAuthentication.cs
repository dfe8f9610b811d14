namespace PartnerMesh.Gateway.ApiKeys;

/// <summary>Names shared by the API key scheme, the gateway's policies and the rate limiter.</summary>
public static class ApiKeyAuthentication
{
    public const string Scheme = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    /// <summary>Any valid, unrevoked key (every proxied <c>/api/**</c> route).</summary>
    public const string ApiKeyPolicy = "api-key";

    /// <summary>A key with scope admin (the gateway's own <c>/api/gateway/**</c>).</summary>
    public const string AdminPolicy = "gateway-admin";

    /// <summary>Claim carrying the key's per-minute limit (gateway-internal; never forwarded).</summary>
    public const string RateLimitClaim = "rate_limit_per_minute";

    /// <summary>HttpContext item holding why authentication failed (metrics tag).</summary>
    internal const string FailureReasonItem = "PartnerMesh.Gateway.AuthFailureReason";
}
