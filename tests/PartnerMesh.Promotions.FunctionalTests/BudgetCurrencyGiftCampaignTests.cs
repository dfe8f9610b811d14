using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.Promotions.Api.Evaluations;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>Budgets counted per currency, capped free gifts at order time, campaign ids as one campaign, customer ids trimmed.</summary>
public sealed class BudgetCurrencyGiftCampaignTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task CampaignSpendCap_CountsOnlyTheDiscountsOfItsCurrency()
    {
        var (euro, yen) = (PromotionsTestClient.UniqueProduct(), PromotionsTestClient.UniqueProduct());
        var campaign = $"campaign-{Guid.NewGuid():N}";
        var a = await _admin.PublishAsync(FixedOffOrder(euro, "EUR", 10, campaign, maxSpend: 100));
        var b = await _admin.PublishAsync(FixedOffOrder(yen, "JPY", 1000, campaign, maxSpend: 100000));

        var jpy = await _storefront.EvaluateAsync(Cart("JPY", yen, 5000).With("touchpoint", "checkout"));
        var eur = await _storefront.EvaluateAsync(Cart("EUR", euro, 100).With("touchpoint", "checkout"));

        Assert.NotNull(jpy.Applied(b));
        Assert.NotNull(eur.Applied(a));
        var budgetA = (await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{a}/budgets", Ct))!["budgets"]![0]!;
        var budgetB = (await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{b}/budgets", Ct))!["budgets"]![0]!;
        Assert.Equal((2, 10m, 90m), (budgetA["uses"]!.GetValue<int>(), budgetA["spend"]!.GetValue<decimal>(), budgetA["remainingSpend"]!.GetValue<decimal>()));
        Assert.Equal((2, 1000m), (budgetB["uses"]!.GetValue<int>(), budgetB["spend"]!.GetValue<decimal>()));
        Assert.NotNull((await _storefront.EvaluateAsync(Cart("EUR", euro, 100).With("touchpoint", "checkout"))).Applied(a));
    }

    [Fact]
    public async Task PromotionWithoutCurrency_UsedInThreeCurrencies_SpendNeverAddsThem()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["budgets"] = new JsonArray(new JsonObject { ["maxUses"] = 5 });
        var id = await _admin.PublishAsync(definition);

        foreach (var (currency, price) in new[] { ("EUR", 100m), ("JPY", 10000m), ("KWD", 10m) })
        {
            Assert.NotNull((await _storefront.EvaluateAsync(Cart(currency, product, price).With("touchpoint", "checkout"))).Applied(id));
        }

        var budget = (await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}/budgets", Ct))!["budgets"]![0]!;
        Assert.Equal((3, 0m), (budget["uses"]!.GetValue<int>(), budget["spend"]!.GetValue<decimal>()));
    }

    [Theory]
    [InlineData("budget")]
    [InlineData("perCustomer")]
    public async Task Order_HoldingACappedGiftThatIsNotDue_IsAGiftNotDueMismatch(string cap)
    {
        var (main, gift) = (PromotionsTestClient.UniqueProduct(), PromotionsTestClient.UniqueProduct());
        var definition = new JsonObject
        {
            ["name"] = "capped gift", ["currency"] = "EUR",
            ["action"] = new JsonObject { ["type"] = "freeGift", ["productId"] = gift, ["quantity"] = 1 },
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "items", ["filter"] = new JsonObject { ["productIds"] = new JsonArray(main) }, ["minQuantity"] = 1 }),
        };
        if (cap == "budget")
        {
            definition["budgets"] = new JsonArray(new JsonObject { ["maxUses"] = 1 });
        }
        else
        {
            definition["perCustomerLimit"] = 1;
        }

        var id = await _admin.PublishAsync(definition);
        var customer = $"c-{Guid.NewGuid():N}";
        JsonObject Checkout() => PromotionsTestClient.Cart(("a", main, 1, 100m, null), ("g", gift, 1, 0m, null)).With("touchpoint", "checkout")
            .With("customer", new JsonObject { ["id"] = cap == "budget" ? $"c-{Guid.NewGuid():N}" : customer });
        var firstCart = Checkout();
        var first = await _storefront.EvaluateAsync(firstCart);
        Assert.NotNull(first.Applied(id));
        Assert.Equal("honoured", (await PlaceAsync(firstCart, first))["outcome"]!.GetValue<string>());

        var secondCart = Checkout();
        var second = await _storefront.EvaluateAsync(secondCart);
        Assert.Equal(cap == "budget" ? "budget_exhausted" : "usage_limit_reached", second.RejectionReason(id));
        var order = await PlaceAsync(secondCart, second);

        Assert.Equal(("mismatch", "gift_not_due"), (order["outcome"]!.GetValue<string>(), order["mismatchReason"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CampaignIds_InOtherCaseOrWithSpaces_AreOneCampaignWithOneBudget()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var spellings = new[] { $"Spring-{suffix}", $"spring-{suffix}", $" SPRING-{suffix} " };
        var promotions = new List<(Guid Id, string Product)>();
        foreach (var spelling in spellings)
        {
            var product = PromotionsTestClient.UniqueProduct();
            var definition = PromotionsTestClient.PercentOffProduct(product, 10);
            definition["campaignId"] = spelling;
            definition["budgets"] = new JsonArray(new JsonObject { ["scope"] = "campaign", ["maxUses"] = 1 });
            promotions.Add((await _admin.PublishAsync(definition), product));
        }

        var answers = new List<JsonObject>();
        foreach (var (_, product) in promotions)
        {
            answers.Add(await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 1, 20m, null)).With("touchpoint", "checkout")));
        }

        Assert.NotNull(answers[0].Applied(promotions[0].Id));
        Assert.Equal("budget_exhausted", answers[1].RejectionReason(promotions[1].Id));
        Assert.Equal("budget_exhausted", answers[2].RejectionReason(promotions[2].Id));
        var stored = await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{promotions[2].Id}", Ct);
        Assert.Contains($"\"campaignId\":\"spring-{suffix}\"", stored!.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a\u200bb")]
    [InlineData("a\nb")]
    [InlineData("spring\t")]
    [InlineData("\u202espring")]
    public async Task CampaignId_WithControlOrInvisibleCharacters_Is400NamingCampaignId(string campaignId)
    {
        var definition = PromotionsTestClient.PercentOffProduct(PromotionsTestClient.UniqueProduct(), 10);
        definition["campaignId"] = campaignId;

        var response = await _admin.PostAsJsonAsync("/api/promotions/definitions", new JsonObject { ["definition"] = definition }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("campaignId", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PerCustomerLimit_CustomerIdWithSpacesAround_IsTheSameCustomer()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["perCustomerLimit"] = 1;
        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 20m, null)).With("touchpoint", "checkout");
        var customer = $"c-{Guid.NewGuid():N}";

        Assert.NotNull((await _storefront.EvaluateAsync(cart.With("customer", new JsonObject { ["id"] = customer }))).Applied(id));
        var padded = await _storefront.EvaluateAsync(cart.With("customer", new JsonObject { ["id"] = $" {customer} " }));

        Assert.Equal("usage_limit_reached", padded.RejectionReason(id));
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

    private static JsonObject FixedOffOrder(string product, string currency, decimal amount, string campaign, decimal maxSpend) => new()
    {
        ["name"] = $"{amount} {currency} off", ["currency"] = currency, ["campaignId"] = campaign,
        ["action"] = new JsonObject { ["type"] = "fixedOffOrder", ["amount"] = amount },
        ["conditions"] = new JsonArray(new JsonObject { ["type"] = "items", ["filter"] = new JsonObject { ["productIds"] = new JsonArray(product) }, ["minQuantity"] = 1 }),
        ["budgets"] = new JsonArray(new JsonObject { ["scope"] = "campaign", ["maxSpend"] = maxSpend }),
    };

    private static JsonObject Cart(string currency, string product, decimal price) => new()
    {
        ["currency"] = currency,
        ["lines"] = new JsonArray(new JsonObject { ["id"] = "l", ["productId"] = product, ["quantity"] = 1, ["unitPrice"] = price }),
        ["shipping"] = 0,
    };
}
