using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using Polly;

namespace PartnerMesh.PartnerPortal.Api.Analytics;

/// <summary>
/// Reads a partner's analytics from analytics-api as that partner: every call carries a fresh service token for the
/// session's account, scoped <c>partner</c> and bound to the session's partner, so analytics itself enforces the isolation.
/// The partner is never taken from the request: it is the path's partner (the session's) or, where analytics has none in
/// the path, the token's.
/// </summary>
public sealed partial class AnalyticsClient(HttpClient http, ServiceTokenIssuer tokens, ILogger<AnalyticsClient> logger)
{
    public const string SegmentsPath = "/api/analytics/segments";
    public const string KpiReportPath = "/api/analytics/kpis";
    public const string CampaignsPath = "/api/analytics/campaigns";

    /// <summary>The scorecard's query parameters a partner may set, passed on in this order; anything else is dropped.</summary>
    public static readonly IReadOnlyList<string> ScorecardParameters = ["from", "to", "partnershipStart", "windowDays"];

    /// <summary>The campaign list's query parameters a partner may set, passed on in this order.</summary>
    public static readonly IReadOnlyList<string> CampaignParameters = ["from", "to", "cursor", "limit"];

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
    public Task<AnalyticsAnswer?> GetDailyKpisAsync(
        Guid accountId, Guid partnerId, string? from, string? to, CancellationToken cancellationToken) =>
        GetAsync(accountId, partnerId, WithQuery($"/api/analytics/partners/{partnerId}/daily", [("from", from), ("to", to)]), cancellationToken);

    /// <summary>Customers per segment, the session's partner's only (analytics takes the partner from the token), below k suppressed.</summary>
    public Task<AnalyticsAnswer?> GetSegmentsAsync(Guid accountId, Guid partnerId, CancellationToken cancellationToken) =>
        GetAsync(accountId, partnerId, SegmentsPath, cancellationToken);

    /// <summary>The session's partner's scorecard; <paramref name="query"/> holds <see cref="ScorecardParameters"/>.</summary>
    public Task<AnalyticsAnswer?> GetScorecardAsync(
        Guid accountId, Guid partnerId, IReadOnlyDictionary<string, string?> query, CancellationToken cancellationToken) =>
        GetAsync(accountId, partnerId, WithQuery($"/api/analytics/partners/{partnerId}/scorecard", Pick(query, ScorecardParameters)), cancellationToken);

    /// <summary>
    /// The KPI report of the session's partner: the <c>partner</c> dimension alone, or paired with <paramref name="by"/>
    /// (campaign, touchpoint, traffic_source) whose values <paramref name="value"/> filters; the partner side is always the
    /// session's. Analytics validates everything else (a pair it does not keep, a bad range or format is its 400).
    /// </summary>
    public Task<AnalyticsAnswer?> GetKpiReportAsync(
        Guid accountId, Guid partnerId, KpiReportQuery query, CancellationToken cancellationToken)
    {
        var own = partnerId.ToString();
        List<(string, string?)> pairs =
        [
            ("from", query.From), ("to", query.To), ("granularity", query.Granularity),
            query.By is null ? ("dimension", "partner") : ("dimensions", "partner," + query.By),
            ("value", own), ("value2", query.Value), ("format", query.Format),
        ];
        return GetAsync(accountId, partnerId, WithQuery(KpiReportPath, pairs), cancellationToken);
    }

    /// <summary>The campaigns the session's partner takes part in (analytics filters by the token's partner).</summary>
    public Task<AnalyticsAnswer?> GetCampaignsAsync(
        Guid accountId, Guid partnerId, IReadOnlyDictionary<string, string?> query, CancellationToken cancellationToken) =>
        GetAsync(accountId, partnerId, WithQuery(CampaignsPath, Pick(query, CampaignParameters)), cancellationToken);

    /// <summary>One campaign, if the session's partner takes part in it (else analytics' 404).</summary>
    public Task<AnalyticsAnswer?> GetCampaignAsync(Guid accountId, Guid partnerId, Guid campaignId, CancellationToken cancellationToken) =>
        GetAsync(accountId, partnerId, $"{CampaignsPath}/{campaignId}", cancellationToken);

    /// <returns>The report, or <c>null</c> when analytics is unavailable or did not answer with one.</returns>
    public async Task<KpiReport?> GetDailyReportAsync(
        Guid accountId, Guid partnerId, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        Read<KpiReport>(await GetDailyKpisAsync(accountId, partnerId, Day(from), Day(to), cancellationToken), partnerId);

    /// <returns>The segment report, or <c>null</c> when analytics is unavailable or did not answer with one.</returns>
    public async Task<SegmentReport?> GetSegmentReportAsync(Guid accountId, Guid partnerId, CancellationToken cancellationToken) =>
        Read<SegmentReport>(await GetSegmentsAsync(accountId, partnerId, cancellationToken), partnerId);

    /// <summary>A 200 answer read as <typeparamref name="T"/>; <c>null</c> for no answer, another status or an answer missing a field.</summary>
    public T? Read<T>(AnalyticsAnswer? answer, Guid partnerId)
        where T : class
    {
        if (answer is not { StatusCode: HttpStatusCode.OK })
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(answer.Body, Json);
        }
        catch (JsonException exception)
        {
            LogUnavailable(logger, exception, partnerId);
            return null;
        }
    }

    private async Task<AnalyticsAnswer?> GetAsync(Guid accountId, Guid partnerId, string pathAndQuery, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Bearer", tokens.Issue(ResourceNames.AnalyticsApi, $"portal-user:{accountId}", [PartnerMeshScopes.Partner], partnerId));

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.NotFound))
            {
                LogUnexpectedStatus(logger, partnerId, (int)response.StatusCode);
            }

            return new AnalyticsAnswer(
                response.StatusCode, response.Content.Headers.ContentType?.ToString(), body, response.Content.Headers.ContentDisposition?.ToString());
        }
        catch (Exception exception) when (IsUnavailable(exception, cancellationToken))
        {
            LogUnavailable(logger, exception, partnerId);
            return null;
        }
    }

    /// <summary>Invariant: the current culture's calendar need not be Gregorian (th-TH would write the year 2568).</summary>
    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static List<(string, string?)> Pick(IReadOnlyDictionary<string, string?> query, IReadOnlyList<string> names) =>
        names.Select(name => (name, query.GetValueOrDefault(name))).ToList();

    /// <summary>The path with the given parameters that have a value, each escaped (so a value cannot add a parameter).</summary>
    private static string WithQuery(string path, IEnumerable<(string Name, string? Value)> parameters)
    {
        var query = parameters.Where(parameter => parameter.Value is not null)
            .Select(parameter => parameter.Name + "=" + Uri.EscapeDataString(parameter.Value!))
            .ToList();
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

/// <summary>What a partner may choose of its KPI report; the partner itself is always the session's.</summary>
public sealed record KpiReportQuery(string? From, string? To, string? Granularity, string? By, string? Value, string? Format);
