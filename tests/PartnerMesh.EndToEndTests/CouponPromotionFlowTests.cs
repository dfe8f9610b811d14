using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>A coupons code unlocks a promotion: the evaluation asks coupons through service discovery, both running.</summary>
public sealed class CouponPromotionFlowTests(SystemFixture system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CouponsCode_UnlocksItsPromotion()
    {
        using var admin = system.CreateAdminClient();
        using var storefront = system.CreateStorefrontClient();
        var product = $"sku-{Guid.NewGuid():N}";
        var created = await admin.PostAsJsonAsync("/api/promotions/definitions", new JsonObject
        {
            ["definition"] = new JsonObject
            {
                ["name"] = "15 % with a coupon",
                ["requiresCode"] = true,
                ["action"] = new JsonObject { ["type"] = "percentOffItems", ["percent"] = 15, ["filter"] = new JsonObject { ["productIds"] = new JsonArray(product) } },
            },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var promotionId = (await created.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/promotions/definitions/{promotionId}/publish", new JsonObject(), Ct)).StatusCode);

        var campaign = await admin.PostAsJsonAsync("/api/coupons/campaigns", new JsonObject { ["name"] = "e2e coupons", ["promotionId"] = promotionId }, Ct);
        Assert.True(campaign.IsSuccessStatusCode, await campaign.Content.ReadAsStringAsync(Ct));
        var campaignId = (await campaign.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
        var code = $"E2E{Guid.NewGuid():N}"[..14].ToUpperInvariant();
        var codeResponse = await admin.PostAsJsonAsync($"/api/coupons/campaigns/{campaignId}/codes", new JsonObject { ["code"] = code, ["maxUses"] = 1 }, Ct);
        Assert.True(codeResponse.IsSuccessStatusCode, await codeResponse.Content.ReadAsStringAsync(Ct));

        var cart = new JsonObject
        {
            ["currency"] = "EUR",
            ["codes"] = new JsonArray(code.ToLowerInvariant()),
            ["lines"] = new JsonArray(new JsonObject { ["id"] = "l1", ["productId"] = product, ["quantity"] = 2, ["unitPrice"] = 20m }),
        };
        // The first validations may meet a cold coupons service past promotions' short timeout: those answers must say
        // so (coupon_service_unavailable), and a later one applies the promotion.
        JsonObject evaluation;
        JsonNode? applied;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            evaluation = (await (await storefront.PostAsJsonAsync("/api/promotions/evaluations", cart, Ct)).Content.ReadFromJsonAsync<JsonObject>(Ct))!;
            applied = evaluation["applied"]!.AsArray().SingleOrDefault(entry => entry!["promotionId"]!.GetValue<Guid>() == promotionId);
            if (applied is not null)
            {
                break;
            }

            Assert.Equal("coupon_service_unavailable", evaluation["codes"]![0]!["reason"]?.GetValue<string>());
            Assert.True(DateTime.UtcNow < deadline, $"not applied: codes {evaluation["codes"]!.ToJsonString()}");
            await Task.Delay(200, Ct);
        }

        Assert.Equal(6.00m, applied!["amount"]!.GetValue<decimal>());
        Assert.Equal("applied", evaluation["codes"]![0]!["status"]!.GetValue<string>());
    }
}
