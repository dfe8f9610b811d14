using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Attribution.Api.Clicks;

public static class RedirectEndpoints
{
    public static IEndpointRouteBuilder MapRedirectEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/r/{code}", FollowReferralLink)
            .WithName(nameof(FollowReferralLink))
            .WithTags("Redirect")
            .AllowAnonymous()
            .WithMetadata(CleansQueryText.Instance)
            .Produces(StatusCodes.Status302Found)
            .ProducesProblem(StatusCodes.Status404NotFound);
        // HEAD is GET without a body (HTTP's own rule), so the document does not list it as an operation of its own.
        app.MapMethods("/r/{code}", [HttpMethods.Head], FollowReferralLink)
            .WithName("PreviewReferralLink")
            .AllowAnonymous()
            .WithMetadata(CleansQueryText.Instance)
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Shoppers arrive here without credentials; the click is durable before the redirect is sent. Unknown codes and
    /// inactive links or partners go to the program's (or service's) fallback URL when there is one, else a clear 404.
    /// HEAD gets the same status and destination (with the shopper's UTM values) without recording a click, so without
    /// <c>pm_click</c>.
    /// </summary>
    private static async Task<IResult> FollowReferralLink(
        string code, HttpContext httpContext, ClickRecorder recorder, CancellationToken cancellationToken)
    {
        var request = httpContext.Request;
        var response = httpContext.Response;
        // Every visit must reach us to be counted: no browser or proxy may replay the redirect from a cache.
        response.Headers.CacheControl = "no-store";

        var normalizedCode = LinkCode.Fold(code);
        if (!LinkCode.IsValid(normalizedCode))
        {
            return Unavailable(request, fallback: null);
        }

        var deepLink = request.Query[RedirectRules.DeepLinkParameter].FirstOrDefault();
        if (HttpMethods.IsHead(request.Method))
        {
            // A link checker or preview: the same answer's status and Location, no click (so no pm_click) and no cookies.
            var preview = await recorder.PreviewAsync(normalizedCode, deepLink, cancellationToken);
            if (preview.Outcome != ClickOutcome.Previewed)
            {
                return Unavailable(request, preview.Destination);
            }

            var utm = ClickDetails.From(request).Utm().ToList();
            return TypedResults.Redirect(utm.Count == 0 ? preview.Destination! : TrackingUrl.AppendParameters(preview.Destination!, utm));
        }

        var cookieVisitor = TrackingCookies.ReadVisitorId(request);
        var userAgent = request.Headers[HeaderNames.UserAgent].ToString();
        var source = new ClickSource(
            cookieVisitor ?? Guid.NewGuid().ToString("N"), cookieVisitor is not null,
            ClickSource.KeyOf(httpContext.Connection.RemoteIpAddress?.ToString(), userAgent));
        var details = ClickDetails.From(request);

        var click = await recorder.RecordAsync(normalizedCode, details, source, ClickRecorder.RedirectSource, deepLink, idempotency: null, cancellationToken);
        if (click.Outcome is ClickOutcome.UnknownCode or ClickOutcome.Unavailable)
        {
            return Unavailable(request, click.Destination);
        }

        var clickId = click.ClickId!.Value.ToString();
        TrackingCookies.Append(response, TrackingCookies.VisitorId, click.VisitorId!, TrackingCookies.VisitorIdLifetime, request.IsHttps);
        TrackingCookies.Append(response, TrackingCookies.ClickId, clickId, TrackingCookies.ClickIdLifetime, request.IsHttps);

        var location = TrackingUrl.AppendParameters(click.Destination!, details.Utm().Append(new(TrackingCookies.ClickIdParameter, clickId)));
        return TypedResults.Redirect(location);
    }

    private static IResult Unavailable(HttpRequest request, string? fallback)
    {
        if (fallback is not null)
        {
            return TypedResults.Redirect(fallback);
        }

        // Browsers get a readable page; API clients the usual problem details.
        var accept = request.Headers[HeaderNames.Accept].ToString();
        if (accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Content(
                """
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Link not available</title></head>
                <body><h1>This link is not available</h1><p>The referral link you followed is unknown or no longer active.</p></body></html>
                """,
                "text/html; charset=utf-8", statusCode: (int)HttpStatusCode.NotFound);
        }

        return Problems.NotFound("Unknown referral link", "No active referral link has this code.");
    }
}
