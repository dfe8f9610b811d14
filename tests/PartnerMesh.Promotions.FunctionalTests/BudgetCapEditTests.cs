using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>
/// Product page and cart judge budgets by the caps the live definitions declare now — the caps checkout reserves with —
/// not by the caps a counter stored at its last reservation: a tightened cap, a lowered per-customer limit and a campaign
/// cap two promotions declare differently give the same answer at every touchpoint (after the counters' refresh).
/// </summary>
public sealed class BudgetCapEditTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Theory]
    [InlineData(2, null)]
    [InlineData(3, null)]
    [InlineData(5, 25)]
    public async Task TighteningALiveBudgetCap_ProductPageAndCart_RefuseAsCheckoutDoes(int maxUses, int? maxSpend)
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = FixedOff(product, 10);
        definition["budgets"] = new JsonArray(new JsonObject { ["scope"] = "promotion", ["maxUses"] = 5 });
        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 100m, null));
        for (var index = 0; index < 3; index++)
        {
            Assert.NotNull((await _storefront.EvaluateAsync(cart.With("touchpoint", "checkout"))).Applied(id));
        }

        var tightened = (JsonObject)definition.DeepClone();
        tightened["budgets"] = new JsonArray(new JsonObject { ["scope"] = "promotion", ["maxUses"] = maxUses, ["maxSpend"] = maxSpend });
        await EditAndPublishAsync(id, tightened);

        Assert.Equal("budget_exhausted", (await _storefront.EvaluateAsync(cart.With("touchpoint", "checkout"))).RejectionReason(id));
        await AllTouchpointsSayAsync(id, cart, "budget_exhausted");
    }

    [Fact]
    public async Task LoweringThePerCustomerLimit_ProductPageAndCart_RefuseTheCustomerAsCheckoutDoes()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = FixedOff(product, 10);
        definition["perCustomerLimit"] = 3;
        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 100m, null)).With("customer", new JsonObject { ["id"] = $"c-{Guid.NewGuid():N}" });
        Assert.NotNull((await _storefront.EvaluateAsync(cart.With("touchpoint", "checkout"))).Applied(id));

        var lowered = (JsonObject)definition.DeepClone();
        lowered["perCustomerLimit"] = 1;
        await EditAndPublishAsync(id, lowered);

        await AllTouchpointsSayAsync(id, cart, "usage_limit_reached");
    }

    [Fact]
    public async Task OneCampaignBudget_DeclaredWithDifferentCaps_BothHoldForEveryPromotion_TheTighterWins_AtEveryTouchpoint()
    {
        var campaign = $"campaign-{Guid.NewGuid():N}";
        var (productA, productB) = (PromotionsTestClient.UniqueProduct(), PromotionsTestClient.UniqueProduct());
        var strict = FixedOff(productA, 3);
        strict["campaignId"] = campaign;
        strict["budgets"] = new JsonArray(new JsonObject { ["scope"] = "campaign", ["maxUses"] = 2 });
        var loose = FixedOff(productB, 7);
        loose["campaignId"] = campaign;
        loose["budgets"] = new JsonArray(new JsonObject { ["scope"] = "campaign", ["maxUses"] = 5 });
        var (a, b) = (await _admin.PublishAsync(strict), await _admin.PublishAsync(loose));
        var cartA = PromotionsTestClient.Cart(("l", productA, 1, 100m, null));
        var cartB = PromotionsTestClient.Cart(("l", productB, 1, 100m, null));

        Assert.NotNull((await _storefront.EvaluateAsync(cartB.With("touchpoint", "checkout"))).Applied(b));
        Assert.NotNull((await _storefront.EvaluateAsync(cartB.With("touchpoint", "checkout"))).Applied(b));

        // Two of the campaign's uses taken (through B): A's cap 2 is full, and it is B's cap too — a campaign's budgets are
        // the campaign's, whichever promotion declared them.
        await AllTouchpointsSayAsync(a, cartA, "budget_exhausted");
        await AllTouchpointsSayAsync(b, cartB, "budget_exhausted");
    }

    private async Task EditAndPublishAsync(Guid id, JsonObject definition)
    {
        await (await _admin.PutAsJsonAsync($"/api/promotions/definitions/{id}", new JsonObject { ["definition"] = definition }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await (await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/publish", new JsonObject { ["reason"] = "cap edited" }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
    }

    /// <param name="reason">The rejection expected at product page, cart and checkout; null: applied everywhere.</param>
    private async Task AllTouchpointsSayAsync(Guid id, JsonObject cart, string? reason)
    {
        async Task<string?[]> AnswersAsync()
        {
            var answers = new List<string?>();
            foreach (var touchpoint in new[] { "productPage", "cart", "checkout" })
            {
                var evaluation = await _storefront.EvaluateAsync(cart.With("touchpoint", touchpoint));
                answers.Add(evaluation.Applied(id) is not null ? null : evaluation.RejectionReason(id) ?? "not listed");
            }

            return [.. answers];
        }

        // Checkout reserves: ask it only while the answer is the expected refusal, so an applied checkout takes no use.
        await Eventually.UntilAsync(async () =>
        {
            foreach (var touchpoint in new[] { "productPage", "cart" })
            {
                var evaluation = await _storefront.EvaluateAsync(cart.With("touchpoint", touchpoint));
                if ((evaluation.Applied(id) is not null ? null : evaluation.RejectionReason(id)) != reason)
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(20), $"product page and cart say {reason ?? "applied"} after the counters' refresh");
        Assert.Equal(string.Join(",", Enumerable.Repeat(reason ?? "applied", 3)), string.Join(",", (await AnswersAsync()).Select(answer => answer ?? "applied")));
    }

    private static JsonObject FixedOff(string product, decimal amount) => new()
    {
        ["name"] = $"{amount} off",
        ["currency"] = "EUR",
        ["action"] = new JsonObject { ["type"] = "fixedOffItems", ["amountPerUnit"] = amount, ["filter"] = new JsonObject { ["productIds"] = new JsonArray(product) } },
    };
}
