using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>Drives the coupons API as program managers and storefronts do: JSON in, JSON out.</summary>
public static class CouponsTestClient
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static HttpClient Admin(this CouponsApiFactory factory) => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    public static HttpClient Storefront(this CouponsApiFactory factory) => factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);

    /// <summary>A code no other test uses.</summary>
    public static string UniqueCode(string prefix = "T") => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)].ToUpperInvariant();

    public static async Task<Guid> CreateCampaignAsync(this HttpClient admin, JsonObject? settings = null)
    {
        var body = new JsonObject { ["name"] = "test campaign", ["promotionId"] = Guid.NewGuid() };
        foreach (var (name, value) in settings ?? [])
        {
            body[name] = value?.DeepClone();
        }

        var response = await admin.PostAsJsonAsync("/api/coupons/campaigns", body, Ct);
        return (await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<Guid>();
    }

    public static async Task<string> CreateCodeAsync(this HttpClient admin, Guid campaignId, string? code = null, Guid? partnerId = null, int? maxUses = null)
    {
        var body = new JsonObject { ["code"] = code ?? UniqueCode(), ["partnerId"] = partnerId, ["maxUses"] = maxUses };
        var response = await admin.PostAsJsonAsync($"/api/coupons/campaigns/{campaignId}/codes", body, Ct);
        return (await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["code"]!.GetValue<string>();
    }

    /// <summary>A campaign with the given settings and one code in it.</summary>
    public static async Task<(Guid CampaignId, string Code)> CampaignWithCodeAsync(this HttpClient admin, JsonObject? settings = null, Guid? partnerId = null)
    {
        var campaignId = await admin.CreateCampaignAsync(settings);
        return (campaignId, await admin.CreateCodeAsync(campaignId, partnerId: partnerId));
    }

    public static async Task<JsonObject> ValidateAsync(this HttpClient storefront, JsonObject request)
    {
        var response = await storefront.PostAsJsonAsync("/api/coupons/validations", request, Ct);
        return await response.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
    }

    public static Task<HttpResponseMessage> ReserveAsync(this HttpClient storefront, JsonObject request) =>
        storefront.PostAsJsonAsync("/api/coupons/reservations", request, Ct);

    public static Task<HttpResponseMessage> RedeemAsync(this HttpClient storefront, JsonObject request) =>
        storefront.PostAsJsonAsync("/api/coupons/redemptions", request, Ct);

    /// <summary>Reserves and expects a reservation; returns its id.</summary>
    public static async Task<Guid> ReserveOkAsync(
        this HttpClient storefront, string code, JsonObject? customer = null, decimal cartTotal = 50m, Guid? partnerId = null)
    {
        var response = await storefront.ReserveAsync(Reservation(code, customer, cartTotal, partnerId));
        return (await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["reservationId"]!.GetValue<Guid>();
    }

    /// <summary>Reserves then redeems for a new order; returns the order id.</summary>
    public static async Task<string> ReserveAndRedeemAsync(this HttpClient storefront, string code, JsonObject? customer = null)
    {
        var reservationId = await storefront.ReserveOkAsync(code, customer);
        var orderId = $"order-{Guid.NewGuid():N}";
        var response = await storefront.RedeemAsync(Redemption(code, orderId, reservationId, customer));
        await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        return orderId;
    }

    public static JsonObject Validation(string code, JsonObject? customer = null, decimal? cartTotal = 50m, string currency = "EUR", Guid? partnerId = null) => new()
    {
        ["code"] = code,
        ["customer"] = customer?.DeepClone(),
        ["cartTotal"] = cartTotal,
        ["currency"] = currency,
        ["partnerId"] = partnerId,
    };

    public static JsonObject Reservation(string code, JsonObject? customer = null, decimal cartTotal = 50m, Guid? partnerId = null, string? checkoutId = null, int? ttlSeconds = null) => new()
    {
        ["code"] = code,
        ["checkoutId"] = checkoutId,
        ["customer"] = customer?.DeepClone(),
        ["cartTotal"] = cartTotal,
        ["currency"] = "EUR",
        ["partnerId"] = partnerId,
        ["ttlSeconds"] = ttlSeconds,
    };

    public static JsonObject Redemption(string code, string orderId, Guid? reservationId, JsonObject? customer = null, decimal orderTotal = 50m, Guid? partnerId = null) => new()
    {
        ["code"] = code,
        ["orderId"] = orderId,
        ["reservationId"] = reservationId,
        ["customer"] = customer?.DeepClone(),
        ["orderTotal"] = orderTotal,
        ["currency"] = "EUR",
        ["partnerId"] = partnerId,
    };

    public static JsonObject Guest(string email) => new() { ["email"] = email };

    public static JsonObject Customer(string id) => new() { ["id"] = id };

    public static async Task<JsonObject> StatsAsync(this HttpClient admin, Guid campaignId)
    {
        var response = await admin.GetAsync($"/api/coupons/campaigns/{campaignId}/stats", Ct);
        return await response.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
    }

    /// <summary>The payloads of the staged outbox events whose wire name contains <paramref name="urnPart"/>.</summary>
    public static async Task<IReadOnlyList<JsonNode>> OutboxEventsAsync(this CouponsApiFactory factory, string urnPart)
    {
        var payloads = await factory.QueryDbAsync(db => db.Set<OutboxMessage>().Where(message => message.MessageUrn.Contains(urnPart))
            .Select(message => message.Payload).ToListAsync(Ct));
        return [.. payloads.Select(payload => JsonNode.Parse(payload)!)];
    }

    /// <summary>Waits until the instance's code cache is in use (it is subscribed to code changes through Redis).</summary>
    public static async Task CodeCacheInUseAsync(this CouponsApiFactory factory)
    {
        var cache = factory.Services.GetRequiredService<CodeDefinitionCache>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!cache.Enabled)
        {
            Assert.True(DateTime.UtcNow < deadline, "The code cache never subscribed to code changes.");
            await Task.Delay(20, Ct);
        }
    }

    public static int Number(this JsonObject node, string name) => node[name]!.GetValue<int>();

    public static string? Reason(this JsonObject node) => node["reason"]?.GetValue<string>();

    /// <summary>The problem's <c>reason</c> extension, after checking status and content type.</summary>
    public static async Task<string?> ShouldBeRefusedAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        await response.ShouldBeProblemAsync(status);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        return body["reason"]?.GetValue<string>();
    }

    /// <summary>How many answers of each status and reason (or problem title and detail), for a failure message.</summary>
    public static async Task<string> OutcomesAsync(this IEnumerable<HttpResponseMessage> responses)
    {
        var outcomes = await Task.WhenAll(responses.Select(async response =>
        {
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct)) as JsonObject;
            var reason = body?["reason"]?.ToString() ?? $"{body?["title"]} {body?["detail"]}";
            return $"{(int)response.StatusCode} {reason}";
        }));
        return string.Join(", ", outcomes.GroupBy(outcome => outcome).Select(group => $"{group.Key}: {group.Count()}"));
    }
}
