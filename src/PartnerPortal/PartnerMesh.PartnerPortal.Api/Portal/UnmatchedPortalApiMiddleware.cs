using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.PartnerPortal.Api.Portal;

/// <summary>
/// Under <c>/portal/api/</c> every call requires the session, so a request that reached no call (an unknown path: no
/// endpoint; a known path with another method: routing's 405 endpoint, which declares no policy) would meet the service
/// token fallback policy and get 401 even with a valid session. For a signed-in partner this answers instead: a 404
/// problem for an unknown path, routing's own 405 for the wrong method. Without a session it stays 401, so callers without
/// one learn nothing about which paths exist. Done here rather than with a fallback endpoint, which would turn 405s into 404s.
/// </summary>
public sealed class UnmatchedPortalApiMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<IAuthorizeData>() is null && endpoint?.Metadata.GetMetadata<IAllowAnonymous>() is null
            && context.Request.Path.StartsWithSegments(PortalSession.PathPrefix + "/api")
            && await context.AuthenticateAsync(PortalSession.Scheme) is { Succeeded: true, Principal: { } session }
            && session.PartnerId() is not null)
        {
            if (endpoint?.RequestDelegate is { } rejection)
            {
                await rejection(context);
                return;
            }

            await TypedResults.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "Not found",
                    detail: $"No portal call answers {context.Request.Method} {context.Request.Path}.")
                .ExecuteAsync(context);
            return;
        }

        await next(context);
    }
}
