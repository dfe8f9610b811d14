using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.PartnerPortal.Api.Infrastructure;

namespace PartnerMesh.PartnerPortal.Api.Portal;

/// <summary>
/// Ends sessions of deleted accounts on their next request, answers JSON calls with 401/403 instead of a redirect, and
/// redirects pages with a relative Location so the browser stays on the gateway's host.
/// </summary>
public sealed class PortalCookieEvents(PortalDbContext db) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var accountId = context.Principal?.AccountId();
        var active = accountId is { } id && await db.Accounts.AnyAsync(
            account => account.Id == id && account.DisabledAt == null, context.HttpContext.RequestAborted);
        if (!active)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(PortalSession.Scheme);
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
