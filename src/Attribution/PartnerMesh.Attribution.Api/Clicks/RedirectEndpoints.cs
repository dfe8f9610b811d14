using PartnerMesh.ServiceDefaults.WebApi;
using Microsoft.AspNetCore.Http.HttpResults;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Links;

namespace PartnerMesh.Attribution.Api.Clicks;

public static class RedirectEndpoints
{
    public static IEndpointConventionBuilder MapRedirectEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/r/{code}", FollowReferralLink)
            .WithName(nameof(FollowReferralLink))
            .WithTags("Redirect")
            .AllowAnonymous()
            .ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>Shoppers arrive here without credentials; the click is durable before the redirect is sent.</summary>
    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> FollowReferralLink(
        string code, HttpContext httpContext, ClickRecorder recorder, CancellationToken cancellationToken)
    {
        var normalizedCode = code.ToLowerInvariant();
        if (!LinkCode.IsValid(normalizedCode))
        {
            return UnknownCode();
        }

        var request = httpContext.Request;
        var visitorId = TrackingCookies.ReadVisitorId(request) ?? Guid.NewGuid().ToString("N");
        var details = ClickDetails.From(request);

        var click = await recorder.RecordAsync(normalizedCode, details, visitorId, cancellationToken);
        if (click is null)
        {
            return UnknownCode();
        }

        var response = httpContext.Response;
        var clickId = click.ClickId.ToString();
        TrackingCookies.Append(response, TrackingCookies.VisitorId, visitorId, TrackingCookies.VisitorIdLifetime, request.IsHttps);
        TrackingCookies.Append(response, TrackingCookies.ClickId, clickId, TrackingCookies.ClickIdLifetime, request.IsHttps);
        // Every visit must reach us to be counted: no browser or proxy may replay the redirect from a cache.
        response.Headers.CacheControl = "no-store";

        var location = TrackingUrl.AppendParameters(
            click.Link.TargetUrl, details.Utm().Append(new(TrackingCookies.ClickIdParameter, clickId)));
        return TypedResults.Redirect(location);
    }

    private static ProblemHttpResult UnknownCode() =>
        Problems.NotFound("Unknown referral link", "No active referral link has this code.");
}
