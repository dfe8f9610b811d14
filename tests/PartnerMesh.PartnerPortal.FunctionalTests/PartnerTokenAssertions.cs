using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

internal static class PartnerTokenAssertions
{
    /// <summary>
    /// The bearer the portal sent is its own token for <paramref name="audience"/>, for the session's account, scoped
    /// <c>partner</c> only and bound to the session's partner.
    /// </summary>
    public static async Task AssertPartnerTokenAsync(
        this PortalApiFactory factory, string authorization, SignedInPartner partner, string audience = ResourceNames.AnalyticsApi)
    {
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(authorization["Bearer ".Length..], new TokenValidationParameters
        {
            ValidIssuer = ServiceTokenIssuers.PartnerPortal,
            ValidAudience = audience,
            IssuerSigningKey = ServiceTokenKeys.PublicKey(factory.Tokens.PublicKeyOf(ServiceTokenIssuers.PartnerPortal)),
            ValidAlgorithms = [ServiceTokenKeys.Algorithm],
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var claims = validation.ClaimsIdentity.Claims.ToList();
        Assert.Equal($"portal-user:{partner.AccountId}", claims.Single(c => c.Type == "sub").Value);
        Assert.Equal([PartnerMeshScopes.Partner], claims.Where(c => c.Type == PartnerMeshClaims.Scope).Select(c => c.Value));
        Assert.Equal(partner.PartnerId.ToString(), claims.Single(c => c.Type == PartnerMeshClaims.PartnerId).Value);
    }
}
