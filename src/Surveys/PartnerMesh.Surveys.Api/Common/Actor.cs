using System.Security.Claims;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Surveys.Api.Common;

/// <summary>Who made a change: the gateway's API key id when there is one.</summary>
public static class Actor
{
    public static string Of(ClaimsPrincipal user) =>
        user.FindFirstValue(PartnerMeshClaims.KeyId) is { Length: > 0 } keyId ? $"api-key:{keyId}"
        : user.FindFirstValue("sub") ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown";
}
