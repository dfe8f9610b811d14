using Microsoft.Extensions.Caching.Memory;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Gateway.Proxy;

/// <summary>
/// Service tokens per API key and upstream service (<c>sub = apikey:&lt;keyId&gt;</c>, the key's scope, <c>key_id</c>,
/// <c>aud</c> = the service), reused for 80 % of their lifetime so signing is not on every request's path and services
/// always get at least a minute of validity.
/// </summary>
public sealed class ServiceTokenCache(ServiceTokenIssuer issuer, IMemoryCache cache)
{
    public string GetToken(string keyId, string scope, string audience) =>
        cache.GetOrCreate(("gateway:service-token", keyId, scope, audience), entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = issuer.TokenLifetime * 0.8;
            return issuer.Issue(audience, "apikey:" + keyId, [scope], keyId: keyId);
        })!;
}
