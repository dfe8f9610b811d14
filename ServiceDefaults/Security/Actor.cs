using System.Security.Claims;

namespace PartnerMesh.ServiceDefaults.Security;

/// <summary>Who made a change, as services record it: the gateway's API key id when there is one.</summary>
public static class Actor
{
    /// <summary>The longest actor any service stores (an API key id or a token subject fits well within it).</summary>
    public const int MaxLength = 200;

    public static string Of(ClaimsPrincipal user) =>
        user.FindFirstValue(PartnerMeshClaims.KeyId) is { Length: > 0 } keyId ? $"api-key:{keyId}"
        : user.FindFirstValue("sub") ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown";
}
