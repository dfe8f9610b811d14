namespace PartnerMesh.PartnerPortal.Api.Portal;

/// <summary>
/// The portal accepts two kinds of callers, each only where it belongs: operators with a service token (JWT bearer) on
/// <c>/api/portal</c>, and signed-in partners with the session cookie on <c>/portal</c>. Each policy names its scheme.
/// </summary>
public static class PortalPolicies
{
    public const string Admin = "portal-admin";
    public const string PartnerSession = "portal-partner-session";
}
