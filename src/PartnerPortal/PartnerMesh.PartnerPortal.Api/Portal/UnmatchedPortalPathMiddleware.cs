using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.PartnerPortal.Api.Portal;

/// <summary>
/// A <c>/portal</c> path no page or call answers (no endpoint; or a known path with another method: routing's 405
/// endpoint, which declares no policy) would meet the service-token fallback policy and get a bare 401 even with a valid
/// session. Instead, for a signed-in partner: a 404 problem under <c>/portal/api/</c>, a "page not found" page elsewhere,
/// and routing's own 405 for the wrong method. Without a session an unknown page redirects to sign-in, as every known page
/// does, and an unknown call stays 401 like every known call: neither tells which paths exist. Done here rather than with
/// a fallback endpoint, which would turn 405s into 404s.
/// </summary>
public sealed class UnmatchedPortalPathMiddleware(RequestDelegate next)
{
    private static readonly PathString ApiPrefix = PortalSession.PathPrefix + "/api";

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<IAuthorizeData>() is not null || endpoint?.Metadata.GetMetadata<IAllowAnonymous>() is not null
            || !context.Request.Path.StartsWithSegments(PortalSession.PathPrefix))
        {
            await next(context);
            return;
        }

        var isCall = context.Request.Path.StartsWithSegments(ApiPrefix);
        var session = await context.AuthenticateAsync(PortalSession.Scheme) is { Succeeded: true, Principal: { } principal }
            && principal.PartnerId() is not null
                ? principal
                : null;
        if (session is null)
        {
            if (isCall)
            {
                await next(context);
            }
            else
            {
                await context.ChallengeAsync(PortalSession.Scheme);
            }

            return;
        }

        if (endpoint?.RequestDelegate is { } rejection)
        {
            await rejection(context);
        }
        else if (isCall)
        {
            await TypedResults.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "Not Found",
                    detail: $"No portal call answers {context.Request.Method} {context.Request.Path}.")
                .ExecuteAsync(context);
        }
        else
        {
            // The page's sign-out form posts with the session: its token must be issued to the session's user, as the
            // pages' are (authentication set no user here: this middleware authenticated the cookie itself).
            context.User = session;
            var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
            PortalEndpoints.SetPageHeaders(context.Response.Headers);
            await TypedResults.Content(
                    PortalPages.NotFound(tokens.FormFieldName, tokens.RequestToken!), PortalEndpoints.HtmlContentType,
                    statusCode: StatusCodes.Status404NotFound)
                .ExecuteAsync(context);
        }
    }
}
