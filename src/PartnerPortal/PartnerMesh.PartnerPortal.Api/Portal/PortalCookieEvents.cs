using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace PartnerMesh.PartnerPortal.Api.Portal;

/// <summary>
/// Honours a session cookie only while its server-side session (<see cref="SignedInSession"/>) is live and its account
/// active, so logging out or deleting the account ends it on the next request, copies of the cookie included; keeps the
/// session's expiry in step with the cookie's sliding one; answers JSON calls with 401/403 instead of a redirect, and
/// redirects pages with a relative Location so the browser stays on the gateway's host.
/// </summary>
public sealed class PortalCookieEvents(SignedInSessions sessions) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var live = context.Principal is { } principal
            && principal.SessionId() is { } sessionId
            && principal.AccountId() is { } accountId
            && await sessions.IsLiveAsync(sessionId, accountId, context.HttpContext.RequestAborted);
        if (!live)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(PortalSession.Scheme);
        }
    }

    public override async Task CheckSlidingExpiration(CookieSlidingExpirationContext context)
    {
        if (context.ShouldRenew && context.Principal?.SessionId() is { } sessionId)
        {
            await sessions.ExtendAsync(sessionId, context.HttpContext.RequestAborted);
        }
    }

    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context) =>
        Answer(context, StatusCodes.Status401Unauthorized);

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context) =>
        Answer(context, StatusCodes.Status403Forbidden);

    private static Task Answer(RedirectContext<CookieAuthenticationOptions> context, int apiStatus)
    {
        if (context.Request.Path.StartsWithSegments(PortalSession.PathPrefix + "/api"))
        {
            context.Response.StatusCode = apiStatus;
        }
        else
        {
            context.Response.Redirect(PortalSession.LoginPath);
        }

        return Task.CompletedTask;
    }
}
