namespace PartnerMesh.ServiceDefaults.Security;

/// <summary>Authorization policies every service registers. Admin satisfies every policy.</summary>
public static class PartnerMeshPolicies
{
    public const string Storefront = "storefront";
    public const string Admin = "admin";
    public const string PartnerOrAdmin = "partner-or-admin";
}
