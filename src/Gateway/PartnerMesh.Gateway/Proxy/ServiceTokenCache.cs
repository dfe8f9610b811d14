using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Gateway.Proxy;

/// <summary>
/// Service tokens per API key (<c>sub = apikey:&lt;keyId&gt;</c>, the key's scope, <c>key_id</c>), reused for 80 % of
/// their lifetime so signing is not on every request's path and services always get at least a minute of validity.
/// </summary>
public sealed class ServiceTokenCache(ServiceTokenIssuer issuer, IOptions<ServiceIdentityOptions> identity, IMemoryCache cache)
{
    public string GetToken(string keyId, string scope) =>
        cache.GetOrCreate(("gateway:service-token", keyId, scope), entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = identity.Value.TokenLifetime * 0.8;
            return issuer.Issue("apikey:" + keyId, [scope], keyId: keyId);
        })!;
}
