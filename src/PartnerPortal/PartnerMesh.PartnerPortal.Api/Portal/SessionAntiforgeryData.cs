using Microsoft.AspNetCore.Antiforgery;

namespace PartnerMesh.PartnerPortal.Api.Portal;

/// <summary>
/// Binds a page's antiforgery token to the session it was issued in (<see cref="PortalSession.SessionId"/>): ASP.NET ties
/// the token to the browser's antiforgery cookie and the account only, so a page of an ended session would still carry a
/// valid token into the account's next session in that browser. Anonymous pages (sign-in) carry no session, as before.
/// </summary>
public sealed class SessionAntiforgeryData : IAntiforgeryAdditionalDataProvider
{
    public string GetAdditionalData(HttpContext context) => context.User.SessionId()?.ToString() ?? "";

    public bool ValidateAdditionalData(HttpContext context, string additionalData) =>
        string.Equals(additionalData, GetAdditionalData(context), StringComparison.Ordinal);
}
