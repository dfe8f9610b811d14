using System.Net;
using System.Net.Http.Json;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>Builds storefront behaviour events and reads KPIs.</summary>
internal static class Behaviour
{
    public static Dictionary<string, object?> Event(
        string type,
        DateTimeOffset at,
        string? campaign = null,
        string? session = null,
        string? cart = null,
        string? order = null,
        decimal? amount = null,
        string? customer = null,
        Guid? partner = null,
        string? eventId = null,
        string visitor = "v-1",
        string? source = null,
        string? touchpoint = null)
    {
        var e = new Dictionary<string, object?>
        {
            ["eventId"] = eventId ?? Guid.NewGuid().ToString(),
            ["type"] = type,
            ["occurredAt"] = at,
            ["visitorId"] = visitor,
        };
        void Set(string key, object? value)
        {
            if (value is not null)
            {
                e[key] = value;
            }
        }

        Set("utmCampaign", campaign);
        Set("sessionId", session);
        Set("cartId", cart);
        Set("orderId", order);
        Set("amount", amount);
        Set("currency", amount is null ? null : "EUR");
        Set("customerId", customer);
        Set("partnerId", partner);
        Set("utmSource", source);
        Set("touchpoint", touchpoint);
        return e;
    }

    public static Task<HttpResponseMessage> PostAsync(this HttpClient client, IEnumerable<object> events, CancellationToken ct) =>
        client.PostAsJsonAsync("/api/analytics/events", new { events }, ct);

    public static async Task<BatchReport> IngestAsync(this ServiceFactory<Program, AnalyticsDbContext> factory, IEnumerable<object> events, CancellationToken ct)
    {
        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Storefront).PostAsync(events, ct);
        return await response.ShouldBeAsync<BatchReport>(HttpStatusCode.OK);
    }

    public static string KpiUrl(string dimension, string? value, DateOnly from, DateOnly to, string granularity = "day") =>
        $"/api/analytics/kpis?dimension={dimension}&from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&granularity={granularity}"
        + (value is null ? "" : $"&value={Uri.EscapeDataString(value)}");

    public static async Task<KpiReport> ReportAsync(this ServiceFactory<Program, AnalyticsDbContext> factory, string url, CancellationToken ct) =>
        await (await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).GetAsync(url, ct)).ShouldBeAsync<KpiReport>(HttpStatusCode.OK);

    /// <summary>
    /// Polls the report until <paramref name="condition"/> holds (the aggregator works behind ingestion). A report of one
    /// partner is 404 until analytics heard of the partner (tests' partners are not registered): not yet, too.
    /// </summary>
    public static Task<KpiReport> WaitForReportAsync(this ServiceFactory<Program, AnalyticsDbContext> factory, string url, Func<KpiReport, bool> condition, CancellationToken ct) =>
        Eventually.GetAsync(async () => await factory.TryReportAsync(url, ct) is { } report && condition(report) ? report : null);

    private static async Task<KpiReport?> TryReportAsync(this ServiceFactory<Program, AnalyticsDbContext> factory, string url, CancellationToken ct)
    {
        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).GetAsync(url, ct);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.ShouldBeAsync<KpiReport>(HttpStatusCode.OK);
    }

    /// <summary>Asks for a replay and waits until it re-applied the whole log (the request only queues it).</summary>
    public static async Task<ReplayStatus> ReplayAsync(this ServiceFactory<Program, AnalyticsDbContext> factory, CancellationToken ct)
    {
        var admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
        var queued = await (await admin.PostAsync("/api/analytics/admin/replay", null, ct)).ShouldBeAsync<ReplayStatus>(HttpStatusCode.Accepted);
        return await Eventually.GetAsync(async () =>
            await (await admin.GetAsync("/api/analytics/admin/status", ct)).ShouldBeAsync<AggregationStatus>(HttpStatusCode.OK) is
                { LatestReplay: { State: "completed" } replay } && replay.Id == queued.Id
                ? replay
                : null);
    }

    public static KpiFigures Total(this KpiReport report) => Assert.Single(report.Totals).Kpis;
}
