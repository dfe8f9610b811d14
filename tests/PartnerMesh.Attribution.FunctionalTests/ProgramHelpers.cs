using System.Net;
using System.Net.Http.Json;
using Microsoft.Net.Http.Headers;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Attribution.Api.Programs;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>Arrange helpers for programs, program partners and conversions (every call through the HTTP API).</summary>
public static class ProgramHelpers
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A minute after now: late enough after a click not to look implausibly fast, early enough to be accepted.</summary>
    public static DateTimeOffset Later => DateTimeOffset.UtcNow.AddMinutes(1);

    /// <summary>
    /// More separate clicks of <paramref name="visitor"/> on <paramref name="link"/> (each its own session, a millisecond
    /// apart from <paramref name="start"/>) than a conversion reads of a visitor's history at once; written straight to
    /// the database, since the redirect would collapse them into one.
    /// </summary>
    public static Task FloodClicksAsync(this AttributionApiFactory factory, Api.Links.LinkResponse link, string visitor, DateTimeOffset start) =>
        factory.QueryDbAsync(db =>
        {
            db.Clicks.AddRange(Enumerable.Range(1, VisitorClicks.HistoryLimit + 20).Select(index => new Click
            {
                Id = Guid.CreateVersion7(), LinkId = link.Id, PartnerId = link.PartnerId, Code = link.Code, VisitorId = visitor,
                OccurredAt = start.AddMilliseconds(index), LastSeenAt = start.AddMilliseconds(index),
            }));
            return db.SaveChangesAsync(Ct);
        });

    public static async Task<ProgramResponse> CreateProgramAsync(this HttpClient admin, object? terms = null)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToNode(terms ?? new { }, System.Text.Json.JsonSerializerOptions.Web)!.AsObject();
        body["name"] ??= "Program " + Guid.NewGuid().ToString("N")[..6];
        body["currency"] ??= "EUR";
        var response = await admin.PostAsJsonAsync("/api/attribution/programs", body, Ct);
        return await response.ShouldBeAsync<ProgramResponse>(HttpStatusCode.Created);
    }

    public static async Task<PartnerResponse> CreateProgramPartnerAsync(
        this HttpClient admin, Guid programId, string? email = null, string? customerId = null, string kind = "affiliate", decimal? budget = null)
    {
        var response = await admin.PostAsJsonAsync("/api/attribution/partners", new
        {
            name = "Partner " + Guid.NewGuid().ToString("N")[..6],
            email = email ?? AttributionClientExtensions.UniqueEmail(),
            kind,
            programId,
            customerId,
            budget,
        }, Ct);
        return await response.ShouldBeAsync<PartnerResponse>(HttpStatusCode.Created);
    }

    /// <summary>Follows a link as the given visitor (cookie) and returns the click id.</summary>
    public static async Task<Guid> ClickAsVisitorAsync(this HttpClient anonymous, string code, string visitorId, string query = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/r/{code}{query}");
        request.Headers.Add(HeaderNames.Cookie, $"{TrackingCookies.VisitorId}={visitorId}");
        using var response = await anonymous.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return AttributionClientExtensions.ClickIdOf(response);
    }

    public static string NewVisitor() => Guid.NewGuid().ToString("N");

    public static string NewOrderId() => $"order-{Guid.NewGuid():N}";

    public static async Task<ConversionResponse> ConvertAsync(this HttpClient storefront, RecordConversionRequest request, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await storefront.PostAsJsonAsync("/api/attribution/conversions", request with { OrderedAt = request.OrderedAt ?? Later }, Ct);
        return await response.ShouldBeAsync<ConversionResponse>(expected);
    }

    public static RecordConversionRequest Order(decimal amount, Guid? clickId = null, string currency = "EUR") =>
        new(NewOrderId(), clickId, amount, currency, null);
}
