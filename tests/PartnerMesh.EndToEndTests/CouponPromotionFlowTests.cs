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
    public async Task CouponsCode_UnlocksItsPromotion_AndAnExhaustedCodeIsRefusedWithCouponsReason()
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
        var evaluation = (await (await storefront.PostAsJsonAsync("/api/promotions/evaluations", cart, Ct)).Content.ReadFromJsonAsync<JsonObject>(Ct))!;

        var applied = Assert.Single(evaluation["applied"]!.AsArray(), entry => entry!["promotionId"]!.GetValue<Guid>() == promotionId)!;
        Assert.Equal(6.00m, applied["amount"]!.GetValue<decimal>());
        Assert.Equal("applied", evaluation["codes"]![0]!["status"]!.GetValue<string>());
    }
}
