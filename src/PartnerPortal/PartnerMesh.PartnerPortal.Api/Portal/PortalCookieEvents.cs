using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace PartnerMesh.PartnerPortal.Api.Portal;

/// <summary>
/// Honours a session cookie only while its server-side session (<see cref="SignedInSession"/>) is live and its account
/// and partner active, so logging out, deleting the account or suspending the partner ends it on the next request, copies
/// of the cookie included (a call learns of the suspension by a 403 problem, a page by the sign-in form's message); keeps the
/// session's expiry in step with the cookie's sliding one; answers JSON calls with 401/403 instead of a redirect, and
/// redirects pages with a relative Location so the browser stays on the gateway's host.
/// </summary>
public sealed class PortalCookieEvents(SignedInSessions sessions) : CookieAuthenticationEvents
{
    private static readonly object PartnerNotActiveKey = new();

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var sessionId = context.Principal?.SessionId();
        var accountId = context.Principal?.AccountId();
        var state = sessionId is { } session && accountId is { } account
            ? await sessions.CheckAsync(session, account, context.HttpContext.RequestAborted)
            : SessionState.Ended;
        if (state == SessionState.Live)
        {
            return;
        }

        if (state == SessionState.PartnerNotActive)
        {
            // A suspension ends the session for good: reinstated, the partner signs in again.
            context.HttpContext.Items[PartnerNotActiveKey] = true;
            await sessions.EndAsync(sessionId!.Value, context.HttpContext.RequestAborted);
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(PortalSession.Scheme);
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
            if (context.HttpContext.Items.ContainsKey(PartnerNotActiveKey))
            {
                return PortalProblems.PartnerNotActive().ExecuteAsync(context.HttpContext);
            }

            context.Response.StatusCode = apiStatus;
        }
        else
        {
            context.Response.Redirect(PortalSession.LoginPath);
        }

        return Task.CompletedTask;
    }
}
