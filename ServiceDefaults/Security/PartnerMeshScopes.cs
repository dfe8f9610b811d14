namespace PartnerMesh.ServiceDefaults.Security;

/// <summary>The scopes a caller can hold. API keys carry storefront or admin; portal sessions carry partner.</summary>
public static class PartnerMeshScopes
{
    public const string Storefront = "storefront";
    public const string Admin = "admin";
    public const string Partner = "partner";

    public static readonly IReadOnlySet<string> ApiKeyScopes = new HashSet<string>(StringComparer.Ordinal) { Storefront, Admin };
}
