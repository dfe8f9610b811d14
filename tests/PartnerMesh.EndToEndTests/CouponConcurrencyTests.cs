using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>Coupon limits under concurrency through the gateway, with the whole system running.</summary>
public sealed class CouponConcurrencyTests(SystemFixture system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CodeLimitedTo100Uses_1000ConcurrentRedemptions_Exactly100Succeed_RestAClear409()
    {
        using var admin = system.CreateAdminClient();
        using var storefront = system.CreateStorefrontClient();
        var campaign = await admin.PostAsJsonAsync("/api/coupons/campaigns", new JsonObject
        {
            ["name"] = "e2e 100 uses", ["promotionId"] = Guid.NewGuid(), ["requireReservation"] = false,
        }, Ct);
        Assert.True(campaign.IsSuccessStatusCode, await campaign.Content.ReadAsStringAsync(Ct));
        var campaignId = (await campaign.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
        var code = $"RACE{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        var created = await admin.PostAsJsonAsync($"/api/coupons/campaigns/{campaignId}/codes", new JsonObject { ["code"] = code, ["maxUses"] = 100 }, Ct);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));

        var statuses = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(async index =>
        {
            var response = await storefront.PostAsJsonAsync("/api/coupons/redemptions", new JsonObject
            {
                ["code"] = code.ToLowerInvariant(),
                ["orderId"] = $"race-{Guid.NewGuid():N}",
                ["customer"] = new JsonObject { ["email"] = $"shopper{index}@example.com" },
                ["orderTotal"] = 50m,
                ["currency"] = "EUR",
            }, Ct);
            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }

            return response.StatusCode;
        }));

        Assert.Equal(100, statuses.Count(status => status == HttpStatusCode.Created));
        Assert.Equal(900, statuses.Count(status => status == HttpStatusCode.Conflict));
    }
}
