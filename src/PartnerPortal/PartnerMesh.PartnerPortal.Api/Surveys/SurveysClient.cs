using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PartnerMesh.PartnerPortal.Api.Analytics;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using Polly;

namespace PartnerMesh.PartnerPortal.Api.Surveys;

/// <summary>
/// Reads a partner's survey insights from surveys-api as that partner: a fresh service token for the session's account,
/// scoped <c>partner</c> and bound to the session's partner, so surveys itself enforces the isolation and k-anonymity.
/// </summary>
public sealed partial class SurveysClient(HttpClient http, ServiceTokenIssuer tokens, ILogger<SurveysClient> logger)
{
    public const string InsightsPath = "/api/surveys/partner-insights";

    /// <summary>Strict: an answer missing a field is no report (the page then says the insights are unavailable).</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>The query parameters passed on, in this order; anything else the caller sent is dropped.</summary>
    public static readonly IReadOnlyList<string> Parameters = ["from", "to", "surveyId", "by"];

    /// <returns>The answer as received, or <c>null</c> when surveys could not be reached in time.</returns>
    public async Task<AnalyticsAnswer?> GetInsightsAsync(
        Guid accountId, Guid partnerId, IReadOnlyDictionary<string, string?> query, CancellationToken cancellationToken)
    {
        var pairs = Parameters.Where(name => query.GetValueOrDefault(name) is not null)
            .Select(name => name + "=" + Uri.EscapeDataString(query[name]!))
            .ToList();
        using var request = new HttpRequestMessage(HttpMethod.Get, pairs.Count == 0 ? InsightsPath : InsightsPath + "?" + string.Join('&', pairs));
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Bearer", tokens.Issue(ResourceNames.SurveysApi, $"portal-user:{accountId}", [PartnerMeshScopes.Partner], partnerId));

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity))
            {
                LogUnexpectedStatus(logger, partnerId, (int)response.StatusCode);
            }

            return new AnalyticsAnswer(response.StatusCode, response.Content.Headers.ContentType?.ToString(), body);
        }
        catch (Exception exception) when (IsUnavailable(exception, cancellationToken))
        {
            LogUnavailable(logger, exception, partnerId);
            return null;
        }
    }

    /// <returns>The report, or <c>null</c> when surveys is unavailable or did not answer with one.</returns>
    public async Task<SurveyInsightsReport?> GetReportAsync(
        Guid accountId, Guid partnerId, IReadOnlyDictionary<string, string?> query, CancellationToken cancellationToken)
    {
        var answer = await GetInsightsAsync(accountId, partnerId, query, cancellationToken);
        if (answer is not { StatusCode: HttpStatusCode.OK })
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<SurveyInsightsReport>(answer.Body, Json);
        }
        catch (JsonException exception)
        {
            LogUnavailable(logger, exception, partnerId);
            return null;
        }
    }

    private static bool IsUnavailable(Exception exception, CancellationToken cancellationToken) =>
        exception is HttpRequestException or ExecutionRejectedException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Survey insights are unavailable for partner {PartnerId}")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, Guid partnerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Surveys answered {StatusCode} for partner {PartnerId}")]
    private static partial void LogUnexpectedStatus(ILogger logger, Guid partnerId, int statusCode);
}
