namespace PartnerMesh.ServiceDefaults.Security;

public static class PartnerMeshClaims
{
    public const string Scope = "scope";
    public const string PartnerId = "partner_id";
    public const string KeyId = "key_id";
}
