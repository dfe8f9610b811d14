using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>
/// A campaign's budget is the campaign's: every live promotion carrying the campaign id counts against — and is limited
/// by — every campaign budget any promotion of the campaign declares, in each declared period, whether or not it declares
/// the budget itself; at the product page, cart, checkout and order alike.
/// </summary>
public sealed class CampaignBudgetMembershipTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task CampaignMemberWithoutTheBudget_CountsAgainstTheCampaignCap_AndIsLimitedByIt_AtEveryTouchpointAndTheOrder()
    {
        var campaign = $"campaign-{Guid.NewGuid():N}";
        var (productA, productB) = (PromotionsTestClient.UniqueProduct(), PromotionsTestClient.UniqueProduct());
        var a = await _admin.PublishAsync(FixedOffOrder(productA, campaign, new JsonObject { ["scope"] = "campaign", ["maxSpend"] = 25 }));
        var b = await _admin.PublishAsync(FixedOffOrder(productB, campaign, budget: null));
        var cartA = Cart(productA);
        var cartB = Cart(productB);
        var cartQuote = await _storefront.EvaluateAsync(cartB.With("touchpoint", "cart")); // reserves nothing: counted at the order

        Assert.NotNull(cartQuote.Applied(b));
        Assert.NotNull((await _storefront.EvaluateAsync(cartB.With("touchpoint", "checkout"))).Applied(b));
        Assert.NotNull((await _storefront.EvaluateAsync(cartB.With("touchpoint", "checkout"))).Applied(b));

        // 20 of the campaign's 25 spent, all through B: no further 10 fits, for B as for A.
        await AllTouchpointsSayAsync(b, cartB, "budget_exhausted");
        await AllTouchpointsSayAsync(a, cartA, "budget_exhausted");
        var refusal = (await _storefront.EvaluateAsync(cartB.With("touchpoint", "checkout")))["notApplied"]!.AsArray()
            .Single(entry => entry!["promotionId"]!.GetValue<Guid>() == b)!["detail"]!.GetValue<string>();
        Assert.Contains($"campaign {campaign}'s budget (lifetime): 20 of 25 spent", refusal, StringComparison.Ordinal);

        var order = await PlaceAsync(cartB.With("touchpoint", "cart"), cartQuote);
        Assert.Equal(("mismatch", "budget_exhausted"), (order["outcome"]!.GetValue<string>(), order["mismatchReason"]!.GetValue<string>()));

        var campaignBudgetOfB = (await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{b}/budgets", Ct))!["budgets"]!.AsArray().Single()!;
        Assert.Equal(("campaign", campaign, 20m, 5m), (campaignBudgetOfB["scope"]!.GetValue<string>(), campaignBudgetOfB["campaignId"]!.GetValue<string>(),
            campaignBudgetOfB["spend"]!.GetValue<decimal>(), campaignBudgetOfB["remainingSpend"]!.GetValue<decimal>()));
        var campaignBudgetOfA = (await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{a}/budgets", Ct))!["budgets"]!.AsArray().Single()!;
        Assert.Equal((2, 20m), (campaignBudgetOfA["uses"]!.GetValue<int>(), campaignBudgetOfA["spend"]!.GetValue<decimal>()));
    }

    [Fact]
    public async Task CampaignBudgetsOfDifferentPeriods_EachCountsEveryPromotionOfTheCampaign()
    {
        var campaign = $"campaign-{Guid.NewGuid():N}";
        var (productA, productB, productC) = (PromotionsTestClient.UniqueProduct(), PromotionsTestClient.UniqueProduct(), PromotionsTestClient.UniqueProduct());
        var a = await _admin.PublishAsync(FixedOffOrder(productA, campaign, new JsonObject { ["scope"] = "campaign", ["period"] = "day", ["maxUses"] = 5 }));
        var b = await _admin.PublishAsync(FixedOffOrder(productB, campaign, new JsonObject { ["scope"] = "campaign", ["period"] = "month", ["maxUses"] = 1 }));
        var c = await _admin.PublishAsync(FixedOffOrder(productC, campaign, budget: null));

        Assert.NotNull((await _storefront.EvaluateAsync(Cart(productC).With("touchpoint", "checkout"))).Applied(c));

        // C's use is the campaign's one use this month: B's month cap holds for A, B and C.
        foreach (var (id, product) in new[] { (a, productA), (b, productB), (c, productC) })
        {
            await AllTouchpointsSayAsync(id, Cart(product), "budget_exhausted");
        }

        var budgetsOfA = (await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{a}/budgets", Ct))!["budgets"]!.AsArray();
        Assert.Equal(["day:1", "month:1"], budgetsOfA.Select(budget => $"{budget!["period"]}:{budget["uses"]}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CampaignBudgetAddedByAnEdit_CountsThePromotionsOfTheCampaignFromThePublish()
    {
        var campaign = $"campaign-{Guid.NewGuid():N}";
        var (productA, productB) = (PromotionsTestClient.UniqueProduct(), PromotionsTestClient.UniqueProduct());
        var a = await _admin.PublishAsync(FixedOffOrder(productA, campaign, budget: null));
        var b = await _admin.PublishAsync(FixedOffOrder(productB, campaign, budget: null));

        await (await _admin.PutAsJsonAsync($"/api/promotions/definitions/{a}",
            new JsonObject { ["definition"] = FixedOffOrder(productA, campaign, new JsonObject { ["scope"] = "campaign", ["maxUses"] = 1 }) }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await (await _admin.PostAsJsonAsync($"/api/promotions/definitions/{a}/publish", new JsonObject { ["reason"] = "campaign cap" }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.NotNull((await _storefront.EvaluateAsync(Cart(productB).With("touchpoint", "checkout"))).Applied(b));
        await AllTouchpointsSayAsync(a, Cart(productA), "budget_exhausted");
    }

    private async Task<JsonObject> PlaceAsync(JsonObject cart, JsonObject evaluation)
    {
        var response = await _storefront.PostAsJsonAsync("/api/promotions/orders", new JsonObject
        {
            ["orderId"] = $"order-{Guid.NewGuid():N}",
            ["quote"] = evaluation["quote"]!.DeepClone(),
            ["order"] = cart.DeepClone(),
            ["chargedGrandTotal"] = evaluation.Total("grandTotal"),
            ["chargedDiscountTotal"] = evaluation.Total("discountTotal"),
        }, Ct);
        return await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
    }

    /// <summary>Product page and cart judge by the counters as known here (refreshed from PostgreSQL), checkout reserves:
    /// all three refuse with <paramref name="reason"/>.</summary>
    private async Task AllTouchpointsSayAsync(Guid id, JsonObject cart, string reason)
    {
        await Eventually.UntilAsync(async () =>
        {
            foreach (var touchpoint in new[] { "productPage", "cart" })
            {
                if ((await _storefront.EvaluateAsync(cart.With("touchpoint", touchpoint))).RejectionReason(id) != reason)
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(20), $"product page and cart say {reason}");
        Assert.Equal(reason, (await _storefront.EvaluateAsync(cart.With("touchpoint", "checkout"))).RejectionReason(id));
    }

    private static JsonObject FixedOffOrder(string product, string campaign, JsonObject? budget) => new()
    {
        ["name"] = "10 off the order",
        ["currency"] = "EUR",
        ["campaignId"] = campaign,
        ["action"] = new JsonObject { ["type"] = "fixedOffOrder", ["amount"] = 10 },
        ["conditions"] = new JsonArray(new JsonObject { ["type"] = "items", ["filter"] = new JsonObject { ["productIds"] = new JsonArray(product) }, ["minQuantity"] = 1 }),
        ["budgets"] = budget is null ? new JsonArray() : new JsonArray(budget),
    };

    private static JsonObject Cart(string product) => PromotionsTestClient.Cart(("l", product, 1, 50m, null));
}
