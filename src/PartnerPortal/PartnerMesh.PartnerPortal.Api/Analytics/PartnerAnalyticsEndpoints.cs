using System.Net;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using PartnerMesh.PartnerPortal.Api.Portal;

namespace PartnerMesh.PartnerPortal.Api.Analytics;

/// <summary>
/// Every partner-scoped read analytics-api offers, for the signed-in partner: the scorecard page and the BFF calls that
/// pass analytics' answers on (its report, or its 400 problem for a bad parameter, unchanged). The partner always comes
/// from the session: no parameter names a partner, and analytics checks the token the portal signs for it.
/// </summary>
public static class PartnerAnalyticsEndpoints
{

    public static IEndpointRouteBuilder MapPartnerAnalyticsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(ScorecardPage.Path, ShowScorecard).WithName(nameof(ShowScorecard)).WithTags("Portal")
            .ExcludeFromDescription().AddEndpointFilter(PortalEndpoints.AddPageHeaders)
            .RequireAuthorization(PortalPolicies.PartnerSession);

        // Analytics unreachable, or any answer but the ones passed on: 503 (PassOn).
        var group = app.MapGroup(PortalSession.PathPrefix + "/api").WithTags("Portal BFF")
            .RequireAuthorization(PortalPolicies.PartnerSession).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/segments", GetPartnerSegments).WithName(nameof(GetPartnerSegments)).Produces<SegmentReport>()
            .WithSummary("The session's partner's customers per segment: counts only, segments under k suppressed (analytics' answer)");
        group.MapGet("/scorecard", GetPartnerScorecard).WithName(nameof(GetPartnerScorecard)).Produces<Scorecard>()
            .WithSummary("The session's partner's scorecard, with the before/after-partnership comparison when analytics gives one (analytics' answer)");
        group.MapGet("/kpi-report", GetPartnerKpiReport).WithName(nameof(GetPartnerKpiReport)).Produces<JsonObject>()
            .WithSummary("The session's partner's KPIs per day or hour, alone or by campaign, touchpoint or traffic source; JSON or CSV (analytics' answer)");
        group.MapGet("/campaigns", ListPartnerCampaigns).WithName(nameof(ListPartnerCampaigns)).Produces<JsonObject>()
            .WithSummary("The campaigns the session's partner takes part in, cursor-paged (analytics' answer)");
        group.MapGet("/campaigns/{id:guid}", GetPartnerCampaign).WithName(nameof(GetPartnerCampaign)).Produces<JsonObject>()
            .WithSummary("A campaign the session's partner takes part in; 404 for any other (analytics' answer)");
        return app;
    }

    private static async Task<ContentHttpResult> ShowScorecard(
        string? from, string? to, ClaimsPrincipal user, HttpContext httpContext, IAntiforgery antiforgery, AnalyticsClient analytics,
        CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        // An empty date field of the range form means "the default", not an empty date.
        var query = new Dictionary<string, string?> { ["from"] = NullIfEmpty(from), ["to"] = NullIfEmpty(to) };
        var scorecardCall = analytics.GetScorecardAsync(accountId, partnerId, query, cancellationToken);
        var segmentsCall = analytics.GetSegmentReportAsync(accountId, partnerId, cancellationToken);
        var answer = await scorecardCall;
        var segments = await segmentsCall;

        var errors = answer is { StatusCode: HttpStatusCode.BadRequest } ? PortalProblems.Messages(answer.Body, ScorecardPage.RangeMessage) : null;
        var model = new ScorecardPageModel(
            user.Email(), query["from"], query["to"], analytics.Read<Scorecard>(answer, partnerId), errors, segments);
        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        return TypedResults.Content(
            ScorecardPage.Render(model, tokens.FormFieldName, tokens.RequestToken!), PortalEndpoints.HtmlContentType,
            statusCode: errors is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetPartnerSegments(
        ClaimsPrincipal user, AnalyticsClient analytics, CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        return PassOn(await analytics.GetSegmentsAsync(accountId, partnerId, cancellationToken));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetPartnerScorecard(
        string? from, string? to, string? partnershipStart, string? windowDays, ClaimsPrincipal user, AnalyticsClient analytics,
        CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        var query = new Dictionary<string, string?>
        {
            ["from"] = from, ["to"] = to, ["partnershipStart"] = partnershipStart, ["windowDays"] = windowDays,
        };
        return PassOn(await analytics.GetScorecardAsync(accountId, partnerId, query, cancellationToken));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetPartnerKpiReport(
        string? from, string? to, string? granularity, string? by, string? value, string? format, ClaimsPrincipal user,
        HttpContext httpContext, AnalyticsClient analytics, CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        var answer = await analytics.GetKpiReportAsync(
            accountId, partnerId, new KpiReportQuery(from, to, granularity, by, value, format), cancellationToken);
        if (answer is { StatusCode: HttpStatusCode.OK, ContentDisposition: { } download })
        {
            httpContext.Response.Headers.ContentDisposition = download;
        }

        return PassOn(answer);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ListPartnerCampaigns(
        string? from, string? to, string? cursor, string? limit, ClaimsPrincipal user, AnalyticsClient analytics,
        CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        var query = new Dictionary<string, string?> { ["from"] = from, ["to"] = to, ["cursor"] = cursor, ["limit"] = limit };
        return PassOn(await analytics.GetCampaignsAsync(accountId, partnerId, query, cancellationToken));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetPartnerCampaign(
        Guid id, ClaimsPrincipal user, AnalyticsClient analytics, CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        return PassOn(await analytics.GetCampaignAsync(accountId, partnerId, id, cancellationToken), notFound: true);
    }

    /// <summary>
    /// Analytics' report, its 400 problem (a bad parameter) or, with <paramref name="notFound"/>, its 404 as they came;
    /// anything else (unreachable, a 5xx, a refusal of the portal's token) is a 503 problem.
    /// </summary>
    private static Results<ContentHttpResult, ProblemHttpResult> PassOn(AnalyticsAnswer? answer, bool notFound = false)
    {
        if (answer is { StatusCode: HttpStatusCode.OK or HttpStatusCode.BadRequest }
            || (notFound && answer is { StatusCode: HttpStatusCode.NotFound }))
        {
            return TypedResults.Content(answer.Body, answer.ContentType, statusCode: (int)answer.StatusCode);
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Numbers unavailable",
            detail: PortalPages.UnavailableMessage);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
