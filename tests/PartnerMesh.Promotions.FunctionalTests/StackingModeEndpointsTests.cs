using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>The project-wide stacking modes over HTTP: every name the settings take, enum values spelled exactly, bestDeal
/// judged by the whole evaluation's total, and the choice among exclusive promotions.</summary>
public sealed class StackingModeEndpointsTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Settings_TakeEveryModeName_AndReturnItAsSet()
    {
        try
        {
            foreach (var mode in new[] { "stackable", "listOrder", "highestDiscount", "lowestDiscount", "bestDeal", "stack" })
            {
                var updated = await (await _admin.PutAsJsonAsync("/api/promotions/settings", new JsonObject { ["stackingMode"] = mode }, Ct))
                    .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
                var read = await (await _admin.GetAsync("/api/promotions/settings", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

                Assert.Equal(mode, updated["stackingMode"]!.GetValue<string>());
                Assert.Equal(mode, read["stackingMode"]!.GetValue<string>());
            }
        }
        finally
        {
            await SetModeAsync("stack");
        }
    }

    [Theory]
    [InlineData("bestdeal")]
    [InlineData("STACK")]
    [InlineData("BestDeal")]
    [InlineData(" stack")]
    [InlineData("1")]
    public async Task Settings_EnumValueNotSpelledExactly_Is400NamingTheField(string mode)
    {
        var response = await _admin.PutAsJsonAsync("/api/promotions/settings", new JsonObject { ["stackingMode"] = mode }, Ct);

        var problem = await response.ShouldBeAsync<JsonObject>(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["stackingMode"]);
        var read = await (await _admin.GetAsync("/api/promotions/settings", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal("stack", read["stackingMode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Definition_EnumValueNotSpelledExactly_Is400NamingTheField()
    {
        var definition = PromotionsTestClient.PercentOffProduct(PromotionsTestClient.UniqueProduct(), 10);
        definition["exclusivity"] = "Exclusive";

        var response = await _admin.PostAsJsonAsync("/api/promotions/definitions", new JsonObject { ["definition"] = definition }, Ct);

        var problem = await response.ShouldBeAsync<JsonObject>(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["definition.exclusivity"]);
    }

    [Theory]
    [InlineData("bestDeal")]
    [InlineData("highestDiscount")]
    public async Task Evaluate_BestDeal_AnItemPickThatBlocksTheOrderClass_LosesToTheLargerTotal(string mode)
    {
        // A: 10.00 off per unit, not with order promotions; B: 9 % off items; O: 50 % off the order. Cart 100.00.
        var product = PromotionsTestClient.UniqueProduct();
        var a = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "10 off, not with order promotions", ["priority"] = 1,
            ["combinesWith"] = new JsonObject { ["order"] = false },
            ["action"] = new JsonObject
            {
                ["type"] = "fixedOffItems", ["amountPerUnit"] = 10, ["filter"] = new JsonObject { ["productIds"] = new JsonArray(product) },
            },
            ["currency"] = "EUR",
        });
        var b = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 9).With("priority", 2));
        var o = await _admin.PublishAsync(OnlyWith(product, new JsonObject { ["type"] = "percentOffOrder", ["percent"] = 50 }, "50 % off the order"));
        var cart = PromotionsTestClient.Cart(("l", product, 1, 100.00m, null));
        try
        {
            await SetModeAsync(mode);
            var evaluation = await _storefront.EvaluateAsync(cart);
            await SetModeAsync("lowestDiscount");
            var lowest = await _storefront.EvaluateAsync(cart);

            // A alone would give 10.00; B then O give 9.00 + 45.50.
            Assert.Equal(54.50m, evaluation.Total("discountTotal"));
            Assert.Equal("not_best_deal", evaluation.RejectionReason(a));
            Assert.Equal(9.00m, evaluation.Applied(b)!["amount"]!.GetValue<decimal>());
            Assert.Equal(45.50m, evaluation.Applied(o)!["amount"]!.GetValue<decimal>());
            Assert.True(evaluation.Total("discountTotal") >= lowest.Total("discountTotal"));
        }
        finally
        {
            await SetModeAsync("stack");
        }
    }

    [Theory]
    [InlineData("stack", "tenItems")]
    [InlineData("stackable", "tenItems")]
    [InlineData("listOrder", "tenItems")]
    [InlineData("bestDeal", "twentyOrder")]
    [InlineData("highestDiscount", "twentyOrder")]
    [InlineData("lowestDiscount", "fiveItems")]
    public async Task Evaluate_AmongExclusivePromotions_TheModeChooses(string mode, string winner)
    {
        var product = PromotionsTestClient.UniqueProduct();
        var ids = new Dictionary<string, Guid>
        {
            ["tenItems"] = await _admin.PublishAsync(Exclusive(PromotionsTestClient.PercentOffProduct(product, 10), priority: 1)),
            ["twentyOrder"] = await _admin.PublishAsync(Exclusive(
                OnlyWith(product, new JsonObject { ["type"] = "percentOffOrder", ["percent"] = 20 }, "20 % off the order"), priority: 2)),
            ["fiveItems"] = await _admin.PublishAsync(Exclusive(PromotionsTestClient.PercentOffProduct(product, 5), priority: 3)),
        };
        var cart = PromotionsTestClient.Cart(("l", product, 1, 100.00m, null));
        try
        {
            await SetModeAsync(mode);
            var evaluation = await _storefront.EvaluateAsync(cart);

            Assert.Equal([ids[winner]], evaluation["applied"]!.AsArray().Select(entry => entry!["promotionId"]!.GetValue<Guid>()));
            Assert.All(ids.Where(pair => pair.Key != winner),
                pair => Assert.Equal("excluded_by_exclusivity", evaluation.RejectionReason(pair.Value)));
        }
        finally
        {
            await SetModeAsync("stack");
        }
    }

    private async Task SetModeAsync(string mode) =>
        (await _admin.PutAsJsonAsync("/api/promotions/settings", new JsonObject { ["stackingMode"] = mode }, Ct)).EnsureSuccessStatusCode();

    private static JsonObject Exclusive(JsonObject definition, int priority) =>
        definition.With("exclusivity", "exclusive").With("priority", priority);

    private static JsonObject OnlyWith(string product, JsonObject action, string name) => new()
    {
        ["name"] = name,
        ["conditions"] = new JsonArray(new JsonObject { ["type"] = "items", ["filter"] = new JsonObject { ["productIds"] = new JsonArray(product) } }),
        ["action"] = action,
    };
}
