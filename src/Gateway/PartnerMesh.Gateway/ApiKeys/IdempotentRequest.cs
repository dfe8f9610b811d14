using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Gateway.ApiKeys;

/// <param name="RequestHash">Tells "the same request again" from another request reusing the key.</param>
public sealed record IdempotentRequest(string Key, string RequestHash)
{
    /// <summary>The key and the fingerprint of what the request asks for, or null without a key.</summary>
    public static IdempotentRequest? Of<T>(string? key, T request) =>
        key is null ? null : new IdempotentRequest(key, IdempotencyKeys.Fingerprint(request!));
}
