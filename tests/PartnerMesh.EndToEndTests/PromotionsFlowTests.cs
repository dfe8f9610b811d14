using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>The promotions engine through the gateway with the whole system running: publish, price, order.</summary>
public sealed class PromotionsFlowTests(SystemFixture system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BudgetOf100Uses_1000ConcurrentCheckouts_Exactly100Honoured()
    {
        using var admin = system.CreateAdminClient();
        using var storefront = system.CreateStorefrontClient();
        var product = $"sku-{Guid.NewGuid():N}";
        var promotionId = await PublishAsync(admin, new JsonObject
        {
            ["name"] = "10 % off, first 100 orders",
            ["action"] = new JsonObject { ["type"] = "percentOffItems", ["percent"] = 10, ["filter"] = new JsonObject { ["productIds"] = new JsonArray(product) } },
            ["budgets"] = new JsonArray(new JsonObject { ["scope"] = "promotion", ["maxUses"] = 100 }),
        });

        var checkouts = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(async index =>
        {
            var cart = Cart(product, index);
            var response = await storefront.PostAsJsonAsync("/api/promotions/evaluations", cart, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (Cart: cart, Evaluation: (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!);
        }));
        var winners = checkouts.Where(checkout => Applied(checkout.Evaluation, promotionId)).ToArray();
        Assert.Equal(100, winners.Length);
        Assert.All(checkouts.Except(winners), checkout => Assert.Contains("budget_exhausted", checkout.Evaluation["notApplied"]!.ToJsonString(), StringComparison.Ordinal));

        var orders = await Task.WhenAll(winners.Select(async winner =>
        {
            var response = await storefront.PostAsJsonAsync("/api/promotions/orders", new JsonObject
            {
                ["orderId"] = $"order-{Guid.NewGuid():N}",
                ["quote"] = winner.Evaluation["quote"]!.DeepClone(),
                ["order"] = winner.Cart.DeepClone(),
                ["chargedGrandTotal"] = winner.Evaluation["totals"]!["grandTotal"]!.DeepClone(),
                ["chargedDiscountTotal"] = winner.Evaluation["totals"]!["discountTotal"]!.DeepClone(),
            }, Ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        }));
        Assert.All(orders, order => Assert.Equal("honoured", order["outcome"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ChargedOtherThanQuoted_IsAnExplicitMismatch_ThroughTheGateway()
    {
        using var admin = system.CreateAdminClient();
        using var storefront = system.CreateStorefrontClient();
        var product = $"sku-{Guid.NewGuid():N}";
        await PublishAsync(admin, new JsonObject
        {
            ["name"] = "15 % off",
            ["action"] = new JsonObject { ["type"] = "percentOffItems", ["percent"] = 15, ["filter"] = new JsonObject { ["productIds"] = new JsonArray(product) } },
        });
        var cart = Cart(product, 1);
        var evaluation = (await (await storefront.PostAsJsonAsync("/api/promotions/evaluations", cart, Ct)).Content.ReadFromJsonAsync<JsonObject>(Ct))!;

        var response = await storefront.PostAsJsonAsync("/api/promotions/orders", new JsonObject
        {
            ["orderId"] = $"order-{Guid.NewGuid():N}",
            ["quote"] = evaluation["quote"]!.DeepClone(),
            ["order"] = cart,
            ["chargedGrandTotal"] = evaluation["totals"]!["itemsSubtotal"]!.DeepClone(),
            ["chargedDiscountTotal"] = 0,
        }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var verification = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        Assert.Equal("mismatch", verification["outcome"]!.GetValue<string>());
        Assert.Equal("charged_differs", verification["mismatchReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task PartnerExclusiveOffer_AppliesToACartThatNamesOnlyTheReferralClick()
    {
        var journeys = new Journeys(system);
        var partner = await journeys.CreatePartnerAsync();
        var clickId = await journeys.FollowLinkAsync((await journeys.CreateLinkAsync(partner.Id)).Code);
        using var admin = system.CreateAdminClient();
        using var storefront = system.CreateStorefrontClient();
        var product = $"sku-{Guid.NewGuid():N}";
        var promotionId = await PublishAsync(admin, new JsonObject
        {
            ["name"] = "12 % off for this partner's shoppers",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "partner", ["partnerIds"] = new JsonArray(partner.Id) }),
            ["action"] = new JsonObject { ["type"] = "percentOffItems", ["percent"] = 12, ["filter"] = new JsonObject { ["productIds"] = new JsonArray(product) } },
        });

        var viaClick = Cart(product, 1);
        viaClick["clickId"] = clickId;
        var evaluation = (await (await storefront.PostAsJsonAsync("/api/promotions/evaluations", viaClick, Ct)).Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        var withoutClick = (await (await storefront.PostAsJsonAsync("/api/promotions/evaluations", Cart(product, 2), Ct)).Content.ReadFromJsonAsync<JsonObject>(Ct))!;

        Assert.True(Applied(evaluation, promotionId), evaluation.ToJsonString());
        Assert.Equal(partner.Id, evaluation["quote"]!["partnerId"]!.GetValue<Guid>());
        Assert.False(Applied(withoutClick, promotionId));
    }

    [Fact]
    public async Task StorefrontKey_CannotPublish_AdminOnly()
    {
        using var storefront = system.CreateStorefrontClient();

        var response = await storefront.PostAsJsonAsync("/api/promotions/definitions",
            new JsonObject { ["definition"] = new JsonObject { ["name"] = "x", ["action"] = new JsonObject { ["type"] = "freeShipping" } } }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static async Task<Guid> PublishAsync(HttpClient admin, JsonObject definition)
    {
        var created = await admin.PostAsJsonAsync("/api/promotions/definitions", new JsonObject { ["definition"] = definition }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
        var published = await admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/publish", new JsonObject { ["reason"] = "e2e" }, Ct);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        return id;
    }

    private static JsonObject Cart(string product, int index) => new()
    {
        ["currency"] = "EUR",
        ["touchpoint"] = "checkout",
        ["visitorId"] = $"visitor-{index}",
        ["lines"] = new JsonArray(new JsonObject { ["id"] = "l1", ["productId"] = product, ["quantity"] = 1, ["unitPrice"] = 49.90m }),
        ["shipping"] = 4.90m,
    };

    private static bool Applied(JsonObject evaluation, Guid promotionId) =>
        evaluation["applied"]!.AsArray().Any(applied => applied!["promotionId"]!.GetValue<Guid>() == promotionId);
}
