using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Infrastructure;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Contracts;
using PartnerMesh.Outbox;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>Arrange helpers: every call goes through the real HTTP API.</summary>
public static class AttributionClientExtensions
{
    public static string UniqueEmail() => $"partner-{Guid.NewGuid():N}@example.com";

    /// <summary>Codes are unique per test run because every test class shares one Redis.</summary>
    public static string UniqueCode(string prefix = "t") => $"{prefix}-{Guid.NewGuid():N}"[..20];

    public static async Task<PartnerResponse> CreatePartnerAsync(this HttpClient admin, decimal commissionRate = 0.10m, string? email = null)
    {
        var response = await admin.PostAsJsonAsync(
            "/api/attribution/partners",
            new { name = "Partner " + Guid.NewGuid().ToString("N")[..6], email = email ?? UniqueEmail(), kind = "affiliate", commissionRate },
            TestContext.Current.CancellationToken);
        return await response.ShouldBeAsync<PartnerResponse>(HttpStatusCode.Created);
    }

    public static async Task<LinkResponse> CreateLinkAsync(
        this HttpClient admin, Guid partnerId, string targetUrl = "https://shop.example/landing", string? code = null)
    {
        var response = await admin.PostAsJsonAsync(
            $"/api/attribution/partners/{partnerId}/links", new { targetUrl, code = code ?? UniqueCode() },
            TestContext.Current.CancellationToken);
        return await response.ShouldBeAsync<LinkResponse>(HttpStatusCode.Created);
    }

    /// <summary>Follows a referral link as a shopper would and returns the click id from the redirect.</summary>
    public static async Task<Guid> ClickAsync(this HttpClient anonymous, string code)
    {
        using var response = await anonymous.GetAsync($"/r/{code}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return ClickIdOf(response);
    }

    /// <summary>The click id the redirect passes to the storefront in its <c>Location</c>.</summary>
    public static Guid ClickIdOf(HttpResponseMessage redirect) =>
        Guid.Parse(QueryValue(redirect.Headers.Location!, TrackingCookies.ClickIdParameter)!);

    public static Task<HttpResponseMessage> RecordConversionAsync(
        this HttpClient storefront, string orderId, decimal amount, Guid? clickId = null, string currency = "EUR",
        DateTimeOffset? orderedAt = null) =>
        storefront.PostAsJsonAsync(
            "/api/attribution/conversions", new RecordConversionRequest(orderId, clickId, amount, currency, orderedAt),
            TestContext.Current.CancellationToken);

    public static string? QueryValue(Uri uri, string name) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(pair => Uri.UnescapeDataString(pair[0]) == name)
            .Select(pair => Uri.UnescapeDataString(pair.Length > 1 ? pair[1] : ""))
            .FirstOrDefault();

    /// <summary>The outbox rows of one event type whose payload matches, deserialized.</summary>
    public static async Task<List<T>> OutboxEventsAsync<T>(this AttributionApiFactory factory, Func<T, bool> match)
        where T : class, IIntegrationEvent
    {
        var urn = IntegrationEventTypes.UrnOf(typeof(T));
        var payloads = await factory.QueryDbAsync(db => db.Set<OutboxMessage>()
            .Where(message => message.MessageUrn == urn)
            .Select(message => message.Payload)
            .ToListAsync(TestContext.Current.CancellationToken));
        return payloads
            .Select(payload => JsonSerializer.Deserialize<T>(payload, JsonSerializerOptions.Web)!)
            .Where(match)
            .ToList();
    }
}
