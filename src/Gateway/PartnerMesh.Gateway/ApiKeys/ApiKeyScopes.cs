using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Gateway.ApiKeys;

public static class ApiKeyScopes
{
    public const int MinRateLimitPerMinute = 1;
    public const int MaxRateLimitPerMinute = 100_000;

    public static bool IsValid(string? scope) => scope is not null && PartnerMeshScopes.ApiKeyScopes.Contains(scope);

    /// <summary>Storefront back ends call often; operators rarely.</summary>
    public static int DefaultRateLimitPerMinute(string scope) => scope == PartnerMeshScopes.Admin ? 120 : 600;
}
