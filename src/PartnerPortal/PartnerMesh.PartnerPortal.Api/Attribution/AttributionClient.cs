using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PartnerMesh.PartnerPortal.Api.Analytics;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using Polly;

namespace PartnerMesh.PartnerPortal.Api.Attribution;

/// <summary>
/// Reads a partner's own attribution data (profile, links, codes, clicks summary, commissions, ledger, payouts, program
/// agreements) from attribution-api as that partner: every call carries a fresh service token for the session's account,
/// scoped <c>partner</c> and bound to the session's partner. Attribution's <c>/api/attribution/me/…</c> routes take the
/// partner from that token only; the two program-agreement routes name the session's partner (or its program) in the path.
/// </summary>
public sealed partial class AttributionClient(HttpClient http, ServiceTokenIssuer tokens, ILogger<AttributionClient> logger)
{
    public const string MePath = "/api/attribution/me";

    /// <summary>The paging parameters of attribution's lists, passed on in this order; anything else is dropped.</summary>
    public static readonly IReadOnlyList<string> PageParameters = ["limit", "after"];

    /// <summary>The commission list's parameters, passed on in this order.</summary>
    public static readonly IReadOnlyList<string> CommissionParameters = ["status", "limit", "after"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <returns>The answer, or <c>null</c> when attribution could not be reached in time (likewise for every call).</returns>
    public Task<AnalyticsAnswer?> GetProfileAsync(Guid accountId, Guid partnerId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, accountId, partnerId, MePath, cancellationToken);

    public Task<AnalyticsAnswer?> GetLinksAsync(
        Guid accountId, Guid partnerId, IReadOnlyDictionary<string, string?> query, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, accountId, partnerId, WithQuery(MePath + "/links", query, PageParameters), cancellationToken);

    public Task<AnalyticsAnswer?> GetCodesAsync(
        Guid accountId, Guid partnerId, IReadOnlyDictionary<string, string?> query, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, accountId, partnerId, WithQuery(MePath + "/codes", query, PageParameters), cancellationToken);

    public Task<AnalyticsAnswer?> GetClickSummaryAsync(Guid accountId, Guid partnerId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, accountId, partnerId, MePath + "/clicks/summary", cancellationToken);

    public Task<AnalyticsAnswer?> GetCommissionsAsync(
        Guid accountId, Guid partnerId, IReadOnlyDictionary<string, string?> query, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, accountId, partnerId, WithQuery(MePath + "/commissions", query, CommissionParameters), cancellationToken);

    public Task<AnalyticsAnswer?> GetLedgerAsync(Guid accountId, Guid partnerId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, accountId, partnerId, MePath + "/ledger", cancellationToken);

    public Task<AnalyticsAnswer?> GetLedgerCsvAsync(Guid accountId, Guid partnerId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, accountId, partnerId, MePath + "/ledger.csv", cancellationToken);

    public Task<AnalyticsAnswer?> GetPayoutsAsync(
        Guid accountId, Guid partnerId, IReadOnlyDictionary<string, string?> query, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, accountId, partnerId, WithQuery(MePath + "/payouts", query, PageParameters), cancellationToken);

    /// <summary>
    /// The agreement versions of the session's partner's program, oldest first: its profile names the program (a partner
    /// without one has none: an empty list). A profile answer other than 200 is passed on as it came.
    /// </summary>
    public async Task<AnalyticsAnswer?> GetAgreementsAsync(Guid accountId, Guid partnerId, CancellationToken cancellationToken)
    {
        var profileAnswer = await GetProfileAsync(accountId, partnerId, cancellationToken);
        if (profileAnswer is not { StatusCode: HttpStatusCode.OK })
        {
            return profileAnswer;
        }

        if (Read<PartnerProfile>(profileAnswer, partnerId) is not { } profile)
        {
            return null;
        }

        return profile.ProgramId is { } programId
            ? await SendAsync(HttpMethod.Get, accountId, partnerId, $"/api/attribution/programs/{programId}/agreements", cancellationToken)
            : new AnalyticsAnswer(HttpStatusCode.OK, "application/json; charset=utf-8", "[]");
    }

    /// <summary>Accepts an agreement of the session's partner's program (idempotent); attribution's 404 for any other.</summary>
    public Task<AnalyticsAnswer?> AcceptAgreementAsync(Guid accountId, Guid partnerId, Guid agreementId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, accountId, partnerId, $"/api/attribution/partners/{partnerId}/agreements/{agreementId}/acceptance", cancellationToken);

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

    private async Task<AnalyticsAnswer?> SendAsync(
        HttpMethod method, Guid accountId, Guid partnerId, string pathAndQuery, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Bearer", tokens.Issue(ResourceNames.AttributionApi, $"portal-user:{accountId}", [PartnerMeshScopes.Partner], partnerId));

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

    /// <summary>The path with the allowed parameters that have a value, each escaped (so a value cannot add a parameter).</summary>
    private static string WithQuery(string path, IReadOnlyDictionary<string, string?> query, IReadOnlyList<string> names)
    {
        var pairs = names.Where(name => query.GetValueOrDefault(name) is not null)
            .Select(name => name + "=" + Uri.EscapeDataString(query[name]!))
            .ToList();
        return pairs.Count == 0 ? path : path + "?" + string.Join('&', pairs);
    }

    private static bool IsUnavailable(Exception exception, CancellationToken cancellationToken) =>
        exception is HttpRequestException or ExecutionRejectedException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Attribution is unavailable for partner {PartnerId}")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, Guid partnerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Attribution answered {StatusCode} for partner {PartnerId}")]
    private static partial void LogUnexpectedStatus(ILogger logger, Guid partnerId, int statusCode);
}
