using System.Globalization;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using PartnerMesh.PartnerPortal.Api.Portal;

namespace PartnerMesh.PartnerPortal.Api.Surveys;

/// <summary>The survey insights page and its BFF call. The partner always comes from the session, never from the request.</summary>
public static class SurveyInsightsEndpoints
{

    public static IEndpointRouteBuilder MapSurveyInsightsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(SurveyInsightsPage.Path, ShowSurveyInsights).WithName(nameof(ShowSurveyInsights)).WithTags("Portal")
            .ExcludeFromDescription().AddEndpointFilter(PortalEndpoints.AddPageHeaders)
            .RequireAuthorization(PortalPolicies.PartnerSession);

        app.MapGet(PortalSession.PathPrefix + "/api/survey-insights", GetSurveyInsights).WithName(nameof(GetSurveyInsights)).Produces<SurveyInsightsReport>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithTags("Portal BFF")
            .WithSummary("The session's partner's survey insights: whole ISO weeks per survey, groups under k suppressed (surveys' answer)")
            .RequireAuthorization(PortalPolicies.PartnerSession);
        return app;
    }

    private static async Task<ContentHttpResult> ShowSurveyInsights(
        string? weeks, ClaimsPrincipal user, HttpContext httpContext, IAntiforgery antiforgery, SurveysClient surveys,
        TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        if (ParseWeeks(weeks) is not { } count)
        {
            var page = SurveyInsightsPage.Render(
                new SurveyInsightsPageModel(user.Email(), SurveyInsightsPage.DefaultWeeks, null), tokens.FormFieldName, tokens.RequestToken!,
                SurveyInsightsPage.WeeksMessage);
            return TypedResults.Content(page, PortalEndpoints.HtmlContentType, statusCode: StatusCodes.Status400BadRequest);
        }

        var (accountId, partnerId) = user.SessionIds();
        var to = DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);
        var query = new Dictionary<string, string?>
        {
            ["from"] = Day(to.AddDays(-7 * (count - 1))),
            ["to"] = Day(to),
        };
        var report = await surveys.GetReportAsync(accountId, partnerId, query, cancellationToken);
        var html = SurveyInsightsPage.Render(new SurveyInsightsPageModel(user.Email(), count, report), tokens.FormFieldName, tokens.RequestToken!);
        return TypedResults.Content(html, PortalEndpoints.HtmlContentType);
    }

    /// <summary>Surveys' own answer for the session's partner: the report, or its 400 for a bad range or filter.</summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetSurveyInsights(
        string? from, string? to, string? surveyId, string? by, ClaimsPrincipal user, SurveysClient surveys, CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        var query = new Dictionary<string, string?> { ["from"] = from, ["to"] = to, ["surveyId"] = surveyId, ["by"] = by };
        var answer = await surveys.GetInsightsAsync(accountId, partnerId, query, cancellationToken);
        if (answer is { StatusCode: HttpStatusCode.OK or HttpStatusCode.BadRequest })
        {
            return TypedResults.Content(answer.Body, answer.ContentType, statusCode: (int)answer.StatusCode);
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Survey insights unavailable",
            detail: SurveyInsightsPage.UnavailableMessage);
    }

    /// <summary>1 to 53 whole weeks; absent means the default.</summary>
    public static int? ParseWeeks(string? weeks) =>
        weeks is null ? SurveyInsightsPage.DefaultWeeks
        : int.TryParse(weeks, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= SurveyInsightsPage.MaxWeeks ? count
        : null;

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
