using System.Security.Claims;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Attribution.Api.Common;

/// <summary>Who is calling: the gateway's API key id when there is one, else the token's subject.</summary>
public static class Actor
{
    public const int MaxLength = 200;

    public static string Of(ClaimsPrincipal user) =>
        user.FindFirstValue(PartnerMeshClaims.KeyId) is { Length: > 0 } keyId ? $"api-key:{keyId}"
        : user.FindFirstValue("sub") ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown";
}
