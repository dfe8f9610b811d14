using System.Security.Claims;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.PartnerPortal.Api.Portal;

/// <summary>
/// What the session cookie carries: the server-side session it belongs to (<see cref="SignedInSession"/>), the account, its
/// partner and email. Names are read fresh from the database.
/// </summary>
public static class PortalSession
{
    public const string Scheme = "portal";
    public const string CookieName = "partnermesh.portal";
    public const string AntiforgeryCookieName = "partnermesh.portal.af";
    public const string PathPrefix = "/portal";
    public const string LoginPath = "/portal/login";
    public const string DashboardPath = "/portal/";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    private const string AccountIdClaim = "sub";
    private const string EmailClaim = "email";
    private const string SessionIdClaim = "sid";

    public static ClaimsPrincipal CreatePrincipal(PortalAccount account, Guid sessionId) =>
        new(new ClaimsIdentity(
            [
                new Claim(SessionIdClaim, sessionId.ToString()),
                new Claim(AccountIdClaim, account.Id.ToString()),
                new Claim(PartnerMeshClaims.PartnerId, account.PartnerId.ToString()),
                new Claim(EmailClaim, account.Email),
            ],
            Scheme,
            EmailClaim,
            roleType: null));

    public static Guid? AccountId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(AccountIdClaim), out var id) ? id : null;

    public static Guid? SessionId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(SessionIdClaim), out var id) ? id : null;

    public static string Email(this ClaimsPrincipal user) => user.FindFirstValue(EmailClaim) ?? "";

    /// <summary>The account and partner of a session that passed the <see cref="PortalPolicies.PartnerSession"/> policy.</summary>
    public static (Guid AccountId, Guid PartnerId) SessionIds(this ClaimsPrincipal user) =>
        (user.AccountId() ?? throw new InvalidOperationException("Session without an account id."),
            user.PartnerId() ?? throw new InvalidOperationException("Session without a partner id."));
}
