using System.Collections.Concurrent;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Promotions.Api.Evaluations;

/// <summary>
/// The tokens promotions calls other services with (coupons about codes, attribution about click ids): storefront scope,
/// one signed token per audience reused for a minute (well inside its lifetime), not one per call. A singleton, because
/// the typed clients that use it are transient.
/// </summary>
public sealed class OutboundServiceTokens(ServiceTokenIssuer tokens)
{
    private static readonly TimeSpan Reuse = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, CachedToken> _cached = new(StringComparer.Ordinal);

    private sealed record CachedToken(string Token, DateTime Until);

    public string For(string audience)
    {
        if (_cached.TryGetValue(audience, out var cached) && cached.Until > DateTime.UtcNow)
        {
            return cached.Token;
        }

        var token = tokens.Issue(audience, ResourceNames.PromotionsApi, [PartnerMeshScopes.Storefront], keyId: ResourceNames.PromotionsApi);
        _cached[audience] = new CachedToken(token, DateTime.UtcNow + Reuse);
        return token;
    }
}
