using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Promotions.FunctionalTests.PromotionsTestClient;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>
/// Every money amount the service accepts stays within what it can price and store: a promotion's amounts within the
/// cart's own cap (1,000,000,000) and the currency's minor units, what an order was charged within what a cart can total
/// — each refused with a 400 naming the field, never a 500 when a cart or an order meets it.
/// </summary>
public sealed class MoneyLimitTests(FullEvaluationLogFactory factory) : IClassFixture<FullEvaluationLogFactory>
{
    private const string Huge = "79228162514264337593543950335"; // decimal.MaxValue
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    public static TheoryData<string, string> AmountsOutOfRange => new()
    {
        { """{"type":"fixedOffItems","amountPerUnit":1e25,"filter":{}}""", "definition.action.amountPerUnit" },
        { $$$"""{"type":"fixedOffItems","amountPerUnit":{{{Huge}}},"filter":{}}""", "definition.action.amountPerUnit" },
        { """{"type":"fixedOffOrder","amount":1000000001}""", "definition.action.amount" },
        { """{"type":"fixedOffShipping","amount":1e20}""", "definition.action.amount" },
        { """{"type":"fixedPrice","unitPrice":1e20,"filter":{"productIds":["p"]}}""", "definition.action.unitPrice" },
        { """{"type":"buyXGetY","buyQuantity":1,"getQuantity":1,"buyFilter":{},"amountOffPerUnit":1e20}""", "definition.action.amountOffPerUnit" },
        { """{"type":"percentOffItems","percent":10,"maxDiscount":1e20}""", "definition.action.maxDiscount" },
        { """{"type":"percentOffOrder","percent":10,"maxDiscount":1e20}""", "definition.action.maxDiscount" },
        { """{"type":"tieredOrder","tiers":[{"threshold":100,"amountOff":10},{"threshold":1e20,"amountOff":20}]}""", "definition.action.tiers[1].threshold" },
        { """{"type":"tieredOrder","tiers":[{"threshold":100,"amountOff":1e20}]}""", "definition.action.tiers[0].amountOff" },
        { """{"type":"fixedOffOrder","amount":10.5}""", "definition.action.amount" },
    };

    [Theory]
    [MemberData(nameof(AmountsOutOfRange))]
    public async Task Create_ActionAmountAboveCapOrWithMoreDecimalsThanTheCurrency_Returns400NamingIt(string action, string field)
    {
        var response = await CreateAsync($$"""{"name":"too much","currency":"JPY","action":{{action}}}""");

        await ShouldNameAsync(response, field);
    }

    [Theory]
    [InlineData("""{"type":"cartSubtotal","min":1e20}""", null, "definition.conditions[0].min")]
    [InlineData(null, """{"scope":"promotion","period":"lifetime","maxSpend":1e20}""", "definition.budgets[0].maxSpend")]
    [InlineData(null, $$"""{"scope":"promotion","period":"day","maxSpend":{{Huge}}}""", "definition.budgets[0].maxSpend")]
    [InlineData(null, """{"scope":"promotion","period":"lifetime","maxSpend":100.5}""", "definition.budgets[0].maxSpend")]
    [InlineData(null, """{"scope":"promotion","period":"lifetime","maxSpend":-1}""", "definition.budgets[0].maxSpend")]
    public async Task Create_ConditionOrBudgetAmountOutOfRange_Returns400NamingIt(string? condition, string? budget, string field)
    {
        var conditions = condition is null ? "" : $$""","conditions":[{{condition}}]""";
        var budgets = budget is null ? "" : $$""","budgets":[{{budget}}]""";

        var response = await CreateAsync($$"""{"name":"too much","currency":"JPY","action":{"type":"fixedOffOrder","amount":5}{{conditions}}{{budgets}}}""");

        await ShouldNameAsync(response, field);
    }

    [Fact]
    public async Task Edit_BudgetMaxSpendAboveCap_Returns400NamingIt()
    {
        var created = await (await CreateAsync("""{"name":"capped","currency":"JPY","action":{"type":"fixedOffOrder","amount":5}}"""))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var edited = await _admin.PutAsync($"/api/promotions/definitions/{created["id"]}", Json(
            """{"definition":{"name":"capped","currency":"JPY","action":{"type":"fixedOffOrder","amount":5},"budgets":[{"maxSpend":1e20}]}}"""), Ct);

        await ShouldNameAsync(edited, "definition.budgets[0].maxSpend");
    }

    /// <summary>The largest amounts a promotion may state, on the largest cart: priced and reserved, and logged, without overflow.</summary>
    [Fact]
    public async Task Evaluate_PromotionAtTheCapOnTheLargestCart_PricesReservesAndLogs()
    {
        var code = $"CAP{Guid.NewGuid():N}"[..20];
        var visitor = $"cap-{Guid.NewGuid():N}";
        var id = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "at the cap",
            ["currency"] = "JPY",
            ["requiresCode"] = true,
            ["codes"] = new JsonArray(code),
            ["action"] = new JsonObject { ["type"] = "fixedOffItems", ["amountPerUnit"] = 1_000_000_000m, ["filter"] = new JsonObject() },
            ["budgets"] = new JsonArray(new JsonObject { ["maxUses"] = 1000, ["maxSpend"] = 1_000_000_000m }),
        });
        var cart = new JsonObject
        {
            ["currency"] = "JPY",
            ["codes"] = new JsonArray(code),
            ["visitorId"] = visitor,
            ["shipping"] = 1_000_000_000m,
            ["lines"] = new JsonArray([.. Enumerable.Range(0, 500).Select(index => (JsonNode)new JsonObject
            {
                ["id"] = $"l{index}", ["productId"] = $"cap-{index}", ["quantity"] = 10_000, ["unitPrice"] = 1_000_000_000m,
            })]),
        };

        var small = await _storefront.EvaluateAsync(cart.With("lines", new JsonArray(new JsonObject
        {
            ["id"] = "l", ["productId"] = "cap", ["quantity"] = 1, ["unitPrice"] = 1_000_000_000m,
        })).With("touchpoint", "checkout"));
        var largest = await _storefront.EvaluateAsync(cart.With("touchpoint", "checkout"));

        Assert.Equal(1_000_000_000m, small.Applied(id)!["amount"]!.GetValue<decimal>());
        Assert.Equal("budget_exhausted", largest.RejectionReason(id)); // 5e15 off does not fit a spend cap of 1e9
        Assert.Equal(5_000_001_000_000_000m, largest.Total("grandTotal"));
        await Eventually.UntilAsync(async () =>
            (await (await _admin.GetAsync($"/api/promotions/evaluation-log?visitorId={visitor}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["items"]!
                .AsArray().Any(item => item!["grandTotal"]?.GetValue<decimal>() == 5_000_001_000_000_000m),
            because: "the log stores the largest cart's totals");
    }

    /// <summary>
    /// A budget capping only uses still counts what was spent: the largest discount (5,000,000,000,000,000 yen off the
    /// largest cart) three times passes 10^16, and every hold is taken and counted (it was a 500: numeric overflow).
    /// </summary>
    [Fact]
    public async Task Evaluate_UseCappedPromotionOnTheLargestCartThreeTimes_HoldsAndCountsEverySpend()
    {
        var code = $"USE{Guid.NewGuid():N}"[..20];
        var id = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "uses capped",
            ["currency"] = "JPY",
            ["requiresCode"] = true, // only these carts: the class's other tests price JPY carts too
            ["codes"] = new JsonArray(code),
            ["action"] = new JsonObject { ["type"] = "fixedOffItems", ["amountPerUnit"] = 1_000_000_000m, ["filter"] = new JsonObject() },
            ["budgets"] = new JsonArray(new JsonObject { ["maxUses"] = 1000 }),
        });
        var product = $"uses-{Guid.NewGuid():N}";
        var cart = new JsonObject
        {
            ["currency"] = "JPY",
            ["codes"] = new JsonArray(code),
            ["touchpoint"] = "checkout",
            ["shipping"] = 1_000_000_000m,
            ["lines"] = new JsonArray([.. Enumerable.Range(0, 500).Select(index => (JsonNode)new JsonObject
            {
                ["id"] = $"l{index}", ["productId"] = $"{product}-{index}", ["quantity"] = 10_000, ["unitPrice"] = 1_000_000_000m,
            })]),
        };

        for (var i = 0; i < 3; i++)
        {
            var evaluation = await _storefront.EvaluateAsync(cart.With("visitorId", $"{product}-{i}"));
            Assert.Equal(5_000_000_000_000_000m, evaluation.Applied(id)!["amount"]!.GetValue<decimal>());
        }

        var budget = (await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}/budgets", Ct))!["budgets"]![0]!;
        Assert.Equal((3, 15_000_000_000_000_000m), (budget["uses"]!.GetValue<int>(), budget["spend"]!.GetValue<decimal>()));
    }

    [Theory]
    [InlineData("1e20", "0", "chargedGrandTotal")]
    [InlineData(Huge, "0", "chargedGrandTotal")]
    [InlineData("904", "1e20", "chargedDiscountTotal")]
    [InlineData("904", Huge, "chargedDiscountTotal")]
    [InlineData("904.5", "101", "chargedGrandTotal")]
    [InlineData("904", "100.5", "chargedDiscountTotal")]
    [InlineData("-1", "101", "chargedGrandTotal")]
    public async Task Order_ChargedAmountOutOfRangeOrWithMoreDecimalsThanTheCurrency_Returns400NamingIt_NothingWritten(
        string grandTotal, string discountTotal, string field)
    {
        var (cart, checkout) = await JpyCheckoutAsync();
        var orderId = $"order-{Guid.NewGuid():N}";

        var response = await _storefront.PostAsync("/api/promotions/orders", Json(
            $$"""{"orderId":"{{orderId}}","quote":{{checkout["quote"]!.ToJsonString()}},"order":{{cart.ToJsonString()}},"chargedGrandTotal":{{grandTotal}},"chargedDiscountTotal":{{discountTotal}}}"""), Ct);

        await ShouldNameAsync(response, field);
        await (await _storefront.GetAsync($"/api/promotions/orders/{orderId}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Order_ChargedWholeYen_IsVerified()
    {
        var (cart, checkout) = await JpyCheckoutAsync();

        var verified = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", new JsonObject
        {
            ["orderId"] = $"order-{Guid.NewGuid():N}",
            ["quote"] = checkout["quote"]!.DeepClone(),
            ["order"] = cart,
            ["chargedGrandTotal"] = 904,
            ["chargedDiscountTotal"] = 101,
        }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("honoured", verified["outcome"]!.GetValue<string>());
    }

    /// <summary>10 % off 1,005 yen: 100.5, rounded half away from zero to 101; 904 to pay.</summary>
    private async Task<(JsonObject Cart, JsonObject Checkout)> JpyCheckoutAsync()
    {
        var product = UniqueProduct();
        await _admin.PublishAsync(PercentOffProduct(product, 10m));
        var cart = new JsonObject
        {
            ["currency"] = "JPY",
            ["touchpoint"] = "checkout",
            ["shipping"] = 0,
            ["lines"] = new JsonArray(new JsonObject { ["id"] = "1", ["productId"] = product, ["quantity"] = 1, ["unitPrice"] = 1005 }),
        };
        var checkout = await _storefront.EvaluateAsync(cart);
        Assert.Equal((904m, 101m), (checkout.Total("grandTotal"), checkout.Total("discountTotal")));
        return (cart, checkout);
    }

    private Task<HttpResponseMessage> CreateAsync(string definition) =>
        _admin.PostAsync("/api/promotions/definitions", Json($$"""{"definition":{{definition}}}"""), Ct);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task ShouldNameAsync(HttpResponseMessage response, string field)
    {
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var errors = ((JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(error => error.Name).ToList();
        Assert.Contains(field, errors);
    }
}
