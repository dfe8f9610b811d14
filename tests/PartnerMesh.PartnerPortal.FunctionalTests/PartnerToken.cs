using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

internal static class PartnerToken
{
    /// <summary>The partner the bearer token is for (read without validation: the tests validate tokens themselves).</summary>
    public static Guid? PartnerOf(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return null;
        }

        var token = new JsonWebToken(authorization["Bearer ".Length..]);
        return token.TryGetPayloadValue<string>(PartnerMeshClaims.PartnerId, out var value) && Guid.TryParse(value, out var id) ? id : null;
    }
}
