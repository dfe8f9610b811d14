namespace PartnerMesh.PartnerPortal.Api.Portal;

/// <summary>
/// Every answer under <c>/portal/api/</c> — JSON, the ledger CSV, problems, the 401 without a session — carries the pages'
/// <c>Cache-Control: no-cache, no-store</c> and <c>X-Content-Type-Options: nosniff</c>: a partner's figures are never
/// kept by a browser or a shared cache (back/forward after logout, a disk cache) nor read as another type. Set when the
/// answer starts, so nothing that writes it (the exception handler clears headers) can leave them out.
/// </summary>
public sealed class PortalCallHeadersMiddleware(RequestDelegate next)
{
    private static readonly PathString ApiPrefix = PortalSession.PathPrefix + "/api";

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments(ApiPrefix))
        {
            context.Response.OnStarting(static state => SetHeaders((HttpResponse)state), context.Response);
        }

        return next(context);
    }

    private static Task SetHeaders(HttpResponse response)
    {
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers.XContentTypeOptions = "nosniff";
        return Task.CompletedTask;
    }
}
