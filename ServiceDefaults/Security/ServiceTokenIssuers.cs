namespace PartnerMesh.ServiceDefaults.Security;

/// <summary>
/// Who may sign service tokens, and which scopes each may grant. Only processes that vouch for a caller hold a signing
/// key: the gateway (API keys: storefront, admin), the partner portal (partner sessions: partner) and promotions (its
/// calls to coupons about codes and to attribution about click ids: storefront). A verifier rejects a token granting a
/// scope its issuer may not grant, so a portal compromise cannot mint an admin token, and promotions' key is trusted by
/// coupons and attribution alone (the AppHost gives nobody else its public key).
/// </summary>
public static class ServiceTokenIssuers
{
    public const string Gateway = ResourceNames.Gateway;
    public const string PartnerPortal = ResourceNames.PartnerPortalApi;
    public const string Promotions = ResourceNames.PromotionsApi;

    private static readonly IReadOnlySet<string> None = new HashSet<string>();

    private static readonly Dictionary<string, IReadOnlySet<string>> Grants = new(StringComparer.Ordinal)
    {
        [Gateway] = new HashSet<string>(StringComparer.Ordinal) { PartnerMeshScopes.Storefront, PartnerMeshScopes.Admin },
        [PartnerPortal] = new HashSet<string>(StringComparer.Ordinal) { PartnerMeshScopes.Partner },
        [Promotions] = new HashSet<string>(StringComparer.Ordinal) { PartnerMeshScopes.Storefront },
    };

    public static IReadOnlySet<string> ScopesGrantedBy(string issuer) => Grants.GetValueOrDefault(issuer, None);

    /// <summary>The issuers whose public keys <paramref name="service"/> is given: what the AppHost injects.</summary>
    public static IReadOnlyList<string> TrustedBy(string service) =>
        service is ResourceNames.CouponsApi or ResourceNames.AttributionApi ? [Gateway, PartnerPortal, Promotions] : [Gateway, PartnerPortal];

    public static bool IsIssuer(string service) => Grants.ContainsKey(service);
}
