using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using Polly;

namespace PartnerMesh.PartnerPortal.Api.Analytics;

/// <summary>
/// Reads a partner's KPIs from analytics-api as that partner: every call carries a fresh service token for the session's
/// account, scoped <c>partner</c> and bound to the session's partner, so analytics itself enforces the isolation.
/// </summary>
public sealed partial class AnalyticsClient(HttpClient http, ServiceTokenIssuer tokens, ILogger<AnalyticsClient> logger)
{
    /// <summary>
    /// Strict: an answer missing a field (say <c>sales</c>, from an analytics that still summed across currencies) is no
    /// report, rather than one whose missing money the dashboard would show as "no sales".
    /// </summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <returns>The answer, or <c>null</c> when analytics could not be reached in time.</returns>
    public async Task<AnalyticsAnswer?> GetDailyKpisAsync(
        Guid accountId, Guid partnerId, string? from, string? to, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, DailyKpisUri(partnerId, from, to));
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Bearer", tokens.Issue(ResourceNames.AnalyticsApi, $"portal-user:{accountId}", [PartnerMeshScopes.Partner], partnerId));

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.BadRequest))
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

    /// <returns>The report, or <c>null</c> when analytics is unavailable or did not answer with one.</returns>
    public async Task<KpiReport?> GetDailyReportAsync(
        Guid accountId, Guid partnerId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var answer = await GetDailyKpisAsync(accountId, partnerId, Day(from), Day(to), cancellationToken);
        if (answer is not { StatusCode: HttpStatusCode.OK })
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<KpiReport>(answer.Body, Json);
        }
        catch (JsonException exception)
        {
            LogUnavailable(logger, exception, partnerId);
            return null;
        }
    }

    /// <summary>Invariant: the current culture's calendar need not be Gregorian (th-TH would write the year 2568).</summary>
    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string DailyKpisUri(Guid partnerId, string? from, string? to)
    {
        var query = new List<string>(2);
        if (from is not null)
        {
            query.Add("from=" + Uri.EscapeDataString(from));
        }

        if (to is not null)
        {
            query.Add("to=" + Uri.EscapeDataString(to));
        }

        var path = $"/api/analytics/partners/{partnerId}/daily";
        return query.Count == 0 ? path : path + "?" + string.Join('&', query);
    }

    private static bool IsUnavailable(Exception exception, CancellationToken cancellationToken) =>
        exception is HttpRequestException or ExecutionRejectedException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Analytics is unavailable for partner {PartnerId}")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, Guid partnerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Analytics answered {StatusCode} for partner {PartnerId}")]
    private static partial void LogUnexpectedStatus(ILogger logger, Guid partnerId, int statusCode);
}
