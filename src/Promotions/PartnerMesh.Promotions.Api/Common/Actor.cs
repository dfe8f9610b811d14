using System.Security.Claims;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Promotions.Api.Common;

/// <summary>Who made a change, for the version history: the gateway's API key id when there is one.</summary>
public static class Actor
{
    public static string Of(ClaimsPrincipal user) =>
        user.FindFirstValue(PartnerMeshClaims.KeyId) is { Length: > 0 } keyId ? $"api-key:{keyId}"
        : user.FindFirstValue("sub") ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown";
}
