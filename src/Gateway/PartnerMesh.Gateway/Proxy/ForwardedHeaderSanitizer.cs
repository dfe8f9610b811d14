using System.Collections.Frozen;
using System.Net.Http.Headers;
using PartnerMesh.Gateway.ApiKeys;

namespace PartnerMesh.Gateway.Proxy;

/// <summary>
/// Drops request headers a client could use to pose as someone else behind the gateway: its credentials, any
/// <c>X-Forwarded-*</c>/<c>Forwarded</c> (YARP then sets fresh <c>X-Forwarded-For/Proto/Host</c>), and identity-looking
/// headers some frameworks trust (<c>X-User-*</c>, <c>X-Partner-*</c>, <c>X-Scope</c>, ...).
/// </summary>
public static class ForwardedHeaderSanitizer
{
    private static readonly FrozenSet<string> ExactNames = new[]
    {
        ApiKeyAuthentication.HeaderName, "Forwarded", "X-Real-IP", "X-Client-IP", "True-Client-IP", "CF-Connecting-IP",
        "X-Cluster-Client-IP", "X-Remote-Addr", "X-Remote-User", "Remote-User", "X-User", "X-Principal", "X-Identity",
        "X-Claims", "X-Scope", "X-Scopes", "X-Role", "X-Roles", "X-Key-Id", "X-Api-Key-Id", "X-Tenant-Id",
        "X-Service-Token", "X-Access-Token", "X-Id-Token", "X-Auth-Token",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly string[] Prefixes =
    [
        "X-Forwarded-", "X-Original-", "X-Authenticated-", "X-Auth-", "X-User-", "X-Partner-", "X-Client-Cert",
        "X-SSL-Client", "X-MS-Client-Principal", "X-Amzn-Oidc-", "X-Goog-Authenticated-", "X-PartnerMesh-",
    ];

    /// <summary>
    /// Also drops <c>Authorization</c> on every route: services trust only the service token the gateway adds, and the
    /// portal authenticates partners by its session cookie, so a bearer a client sends is never forwarded.
    /// </summary>
    public static void RemoveUntrusted(HttpRequestHeaders headers)
    {
        var doomed = headers
            .Select(header => header.Key)
            .Where(name => IsUntrusted(name) || name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            .ToList();
        foreach (var name in doomed)
        {
            headers.Remove(name);
        }
    }

    public static bool IsUntrusted(string name) =>
        ExactNames.Contains(name) || Prefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
}
