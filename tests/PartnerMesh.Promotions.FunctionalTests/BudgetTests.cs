using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

public sealed class BudgetTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Checkout_ConcurrentCheckoutsAgainstUsageBudget_ExactlyTheCapGetsIt()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["budgets"] = new JsonArray(new JsonObject { ["scope"] = "promotion", ["maxUses"] = 7 });
        var id = await _admin.PublishAsync(definition);

        var checkouts = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ =>
            _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 1, 20m, null)).With("touchpoint", "checkout"))));

        Assert.Equal(7, checkouts.Count(checkout => checkout.Applied(id) is not null));
        Assert.Equal(53, checkouts.Count(checkout => checkout.RejectionReason(id) == "budget_exhausted"));
        Assert.All(checkouts.Where(checkout => checkout.Applied(id) is not null), checkout => Assert.NotNull(checkout["quote"]!["reservationId"]));
        var counter = await factory.QueryDbAsync(db => db.BudgetCounters.SingleAsync(counter => counter.Key == $"promotion:{id:N}:all", Ct));
        Assert.Equal(7, counter.Uses);
        var exhausted = await factory.QueryDbAsync(db => db.Set<PartnerMesh.Outbox.OutboxMessage>()
            .CountAsync(message => message.MessageUrn.Contains("promotion-budget-exhausted"), Ct));
        Assert.True(exhausted >= 1);
    }

    [Fact]
    public async Task Checkout_SpendBudget_NeverOverspent()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 50);
        definition["currency"] = "EUR";
        definition["budgets"] = new JsonArray(new JsonObject { ["scope"] = "promotion", ["period"] = "day", ["maxSpend"] = 100 });
        var id = await _admin.PublishAsync(definition);

        var checkouts = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 1, 30m, null)).With("touchpoint", "checkout"))));

        var spent = checkouts.Select(checkout => checkout.Applied(id)?["amount"]!.GetValue<decimal>() ?? 0m).Sum();
        Assert.Equal(90m, spent); // 6 × 15.00; a 7th would make 105.00
        Assert.Equal(6, checkouts.Count(checkout => checkout.Applied(id) is not null));
    }

    [Fact]
    public async Task Checkout_PerCustomerLimit_GuestsByNormalisedEmail_ReasonUsageLimitReached()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["perCustomerLimit"] = 1;
        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 20m, null)).With("touchpoint", "checkout");

        var first = await _storefront.EvaluateAsync(cart.With("customer", new JsonObject { ["email"] = "Ann@Example.com", ["guest"] = true }));
        var second = await _storefront.EvaluateAsync(cart.With("customer", new JsonObject { ["email"] = " ann@example.com", ["guest"] = true }));
        var anonymous = await _storefront.EvaluateAsync(cart);

        Assert.NotNull(first.Applied(id));
        Assert.Equal("usage_limit_reached", second.RejectionReason(id));
        Assert.Contains("limit of 1 per customer", second["notApplied"]!.AsArray()
            .Single(rejected => rejected!["promotionId"]!.GetValue<Guid>() == id)!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("usage_limit_reached", anonymous.RejectionReason(id));
    }

    [Theory]
    [InlineData("ann-{0}\u200b@example.com")]
    [InlineData("\u200fann-{0}@example.com")]
    [InlineData("ann-{0}@example.com\ufeff")]
    [InlineData("ann-{0}\u2060@Example.com")]
    [InlineData("ann-{0}@ex\u00adample.com")]
    [InlineData("ann-{0}@ｅxample.com")]
    public async Task Checkout_PerCustomerLimit_GuestEmailWithInvisibleOrFullWidthCharacters_IsTheSameGuest(string variant)
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["perCustomerLimit"] = 1;
        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 20m, null)).With("touchpoint", "checkout");
        var unique = Guid.NewGuid().ToString("N");

        var first = await _storefront.EvaluateAsync(cart.With("customer", new JsonObject { ["email"] = $"ann-{unique}@example.com", ["guest"] = true }));
        var second = await _storefront.EvaluateAsync(cart.With("customer", new JsonObject { ["email"] = variant.Replace("{0}", unique, StringComparison.Ordinal), ["guest"] = true }));

        Assert.NotNull(first.Applied(id));
        Assert.Equal("usage_limit_reached", second.RejectionReason(id));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Checkout_PerCustomerLimit_CountsTheAccountAndItsEmail_SignedInOrGuest(bool signedInFirst)
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["perCustomerLimit"] = 1;
        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 20m, null)).With("touchpoint", "checkout");
        var email = $"Shopper-{Guid.NewGuid():N}@Example.com";
        var signedIn = new JsonObject { ["id"] = $"c-{Guid.NewGuid():N}", ["email"] = email };
        var guest = new JsonObject { ["email"] = email.ToLowerInvariant(), ["guest"] = true };

        var first = await _storefront.EvaluateAsync(cart.With("customer", signedInFirst ? signedIn : guest));
        var second = await _storefront.EvaluateAsync(cart.With("customer", signedInFirst ? guest : signedIn));

        Assert.NotNull(first.Applied(id));
        Assert.Equal("usage_limit_reached", second.RejectionReason(id));
    }

    [Fact]
    public async Task ExpiredQuote_ReservationReleased_BudgetUsableAgain()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["budgets"] = new JsonArray(new JsonObject { ["maxUses"] = 1 });
        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 20m, null)).With("touchpoint", "checkout");
        var held = await _storefront.EvaluateAsync(cart);
        var reservationId = held["quote"]!["reservationId"]!.GetValue<Guid>();
        Assert.Equal("budget_exhausted", (await _storefront.EvaluateAsync(cart)).RejectionReason(id));

        // Expire the hold as time would (the sweeper runs every second in tests).
        await factory.QueryDbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE budget_reservations SET expires_at = now() - interval '1 minute' WHERE id = {reservationId}", Ct));

        await Eventually.UntilAsync(async () => (await _storefront.EvaluateAsync(cart)).Applied(id) is not null,
            TimeSpan.FromSeconds(20), "the expired reservation's use is given back");
    }

    [Fact]
    public async Task ProductPage_AfterBudgetExhausted_SaysSoToo()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["budgets"] = new JsonArray(new JsonObject { ["maxUses"] = 1 });
        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 20m, null));
        Assert.NotNull((await _storefront.EvaluateAsync(cart.With("touchpoint", "productPage"))).Applied(id));

        await _storefront.EvaluateAsync(cart.With("touchpoint", "checkout"));

        var productPage = await _storefront.EvaluateAsync(cart.With("touchpoint", "productPage"));
        Assert.Equal("budget_exhausted", productPage.RejectionReason(id));
        Assert.Equal(0m, productPage.Total("discountTotal"));
    }

    [Fact]
    public async Task Checkout_TwoPromotionsOfOneCampaign_OneOrderIsOneUseOfTheCampaignCap_SpendAddsBoth()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var campaign = $"campaign-{Guid.NewGuid():N}";
        var budgets = new JsonArray(new JsonObject { ["scope"] = "campaign", ["maxUses"] = 2 });
        var percent = PromotionsTestClient.PercentOffProduct(product, 10);
        percent["campaignId"] = campaign;
        percent["budgets"] = budgets.DeepClone();
        var fixedOff = new JsonObject
        {
            ["name"] = "one off each",
            ["currency"] = "EUR",
            ["campaignId"] = campaign,
            ["action"] = new JsonObject { ["type"] = "fixedOffItems", ["amountPerUnit"] = 1, ["filter"] = new JsonObject { ["productIds"] = new JsonArray(product) } },
            ["budgets"] = budgets.DeepClone(),
        };
        var ids = new[] { await _admin.PublishAsync(percent), await _admin.PublishAsync(fixedOff) };
        var cart = PromotionsTestClient.Cart(("l", product, 1, 20m, null)).With("touchpoint", "checkout");

        var checkouts = new List<JsonObject>();
        for (var index = 0; index < 3; index++)
        {
            checkouts.Add(await _storefront.EvaluateAsync(cart.With("customer", new JsonObject { ["id"] = $"c{index}-{Guid.NewGuid():N}" })));
        }

        Assert.All(checkouts.Take(2), checkout => Assert.All(ids, id => Assert.NotNull(checkout.Applied(id))));
        Assert.All(ids, id => Assert.Equal("budget_exhausted", checkouts[2].RejectionReason(id)));
        var counter = await factory.QueryDbAsync(db => db.BudgetCounters.SingleAsync(counter => counter.Key == $"campaign:{campaign}:all", Ct));
        Assert.Equal(2, counter.Uses);
        // The spend is counted per currency, beside the uses.
        var spend = await factory.QueryDbAsync(db => db.BudgetCounters.SingleAsync(counter => counter.Key == $"campaign:{campaign}:all@EUR", Ct));
        Assert.Equal(2 * (2m + 1m), spend.Spend);
    }

    [Fact]
    public async Task SpendCap_ProductPageAndCart_GiveCheckoutsAnswer_ForTheSameCart()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["currency"] = "EUR";
        definition["budgets"] = new JsonArray(new JsonObject { ["maxSpend"] = 10 });
        var id = await _admin.PublishAsync(definition);
        JsonObject Cart(decimal price) => PromotionsTestClient.Cart(("l", product, 1, price, null));
        async Task<string> AnswerAsync(decimal price, string touchpoint)
        {
            var evaluation = await _storefront.EvaluateAsync(Cart(price).With("touchpoint", touchpoint));
            return evaluation.Applied(id) is { } applied ? $"applied {applied["amount"]!.GetValue<decimal>():0.00}" : evaluation.RejectionReason(id)!;
        }

        Assert.Equal("applied 4.00", await AnswerAsync(40m, "checkout"));
        Assert.Equal("applied 4.00", await AnswerAsync(40m, "checkout"));

        // 8.00 of 10.00 spent: a 4.00 discount no longer fits anywhere, a 1.00 discount fits everywhere.
        Assert.Equal(["budget_exhausted", "budget_exhausted", "budget_exhausted"],
            [await AnswerAsync(40m, "productPage"), await AnswerAsync(40m, "cart"), await AnswerAsync(40m, "checkout")]);
        Assert.Equal(["applied 1.00", "applied 1.00", "applied 1.00"],
            [await AnswerAsync(10m, "productPage"), await AnswerAsync(10m, "cart"), await AnswerAsync(10m, "checkout")]);
        Assert.Equal(["applied 1.00", "applied 1.00"], [await AnswerAsync(10m, "productPage"), await AnswerAsync(10m, "checkout")]);
        Assert.Equal(["budget_exhausted", "budget_exhausted", "budget_exhausted"],
            [await AnswerAsync(10m, "productPage"), await AnswerAsync(10m, "cart"), await AnswerAsync(10m, "checkout")]);
    }

    [Fact]
    public async Task PartnerBudget_CountsEachPartnerSeparately()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["budgets"] = new JsonArray(new JsonObject { ["scope"] = "partner", ["period"] = "month", ["maxUses"] = 1 });
        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 20m, null)).With("touchpoint", "checkout");
        var (partnerA, partnerB) = (await factory.RegisterPartnerAsync(), await factory.RegisterPartnerAsync());

        Assert.NotNull((await _storefront.EvaluateAsync(cart.With("partnerId", partnerA))).Applied(id));
        Assert.Equal("budget_exhausted", (await _storefront.EvaluateAsync(cart.With("partnerId", partnerA))).RejectionReason(id));
        Assert.NotNull((await _storefront.EvaluateAsync(cart.With("partnerId", partnerB))).Applied(id));
    }

    [Fact]
    public async Task BudgetExhausted_AtEveryTouchpoint_DetailSaysWhichCapRefused()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var campaign = $"campaign-{Guid.NewGuid():N}";
        var useCapped = PromotionsTestClient.PercentOffProduct(product, 10);
        useCapped["campaignId"] = campaign;
        useCapped["budgets"] = new JsonArray(new JsonObject { ["scope"] = "campaign", ["period"] = "day", ["maxUses"] = 1 });
        var spendCapped = new JsonObject
        {
            ["name"] = "4 off, 6 to spend", ["currency"] = "EUR",
            ["action"] = new JsonObject { ["type"] = "fixedOffItems", ["amountPerUnit"] = 4, ["filter"] = new JsonObject { ["productIds"] = new JsonArray(product) } },
            ["budgets"] = new JsonArray(new JsonObject { ["scope"] = "promotion", ["maxUses"] = 5, ["maxSpend"] = 6 }),
        };
        var (uses, spend) = (await _admin.PublishAsync(useCapped), await _admin.PublishAsync(spendCapped));
        var cart = PromotionsTestClient.Cart(("l", product, 1, 20m, null));
        var first = await _storefront.EvaluateAsync(cart.With("touchpoint", "checkout").With("customer", new JsonObject { ["id"] = $"c-{Guid.NewGuid():N}" }));
        Assert.NotNull(first.Applied(uses));
        Assert.NotNull(first.Applied(spend));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        foreach (var touchpoint in new[] { "productPage", "cart", "checkout" })
        {
            var evaluation = await _storefront.EvaluateAsync(cart.With("touchpoint", touchpoint).With("customer", new JsonObject { ["id"] = $"c-{Guid.NewGuid():N}" }));

            string Detail(Guid id) => evaluation["notApplied"]!.AsArray().Single(rejected => rejected!["promotionId"]!.GetValue<Guid>() == id)!["detail"]!.GetValue<string>();
            Assert.Equal("budget_exhausted", evaluation.RejectionReason(uses));
            Assert.Equal($"campaign {campaign}'s budget (day {today}): 1 of 1 uses taken, open checkouts included", Detail(uses));
            Assert.Equal("budget_exhausted", evaluation.RejectionReason(spend));
            Assert.Equal("the promotion's budget (lifetime): 4 of 6 spent, open checkouts included; this discount (4) does not fit", Detail(spend));
        }
    }

    [Fact]
    public async Task BudgetUsage_ReportsEachBudgetInItsCurrentPeriod_PartnersApart()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["currency"] = "EUR";
        definition["budgets"] = new JsonArray(
            new JsonObject { ["scope"] = "promotion", ["period"] = "day", ["maxUses"] = 5, ["maxSpend"] = 100 },
            new JsonObject { ["scope"] = "partner", ["period"] = "month", ["maxUses"] = 2 });
        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 20m, null)).With("touchpoint", "checkout");
        var (partnerA, partnerB) = (await factory.RegisterPartnerAsync(), await factory.RegisterPartnerAsync());
        foreach (var partner in new[] { partnerA, partnerA, partnerB })
        {
            Assert.NotNull((await _storefront.EvaluateAsync(cart.With("partnerId", partner))).Applied(id));
        }

        var usage = await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}/budgets", Ct);

        var budgets = usage!["budgets"]!.AsArray();
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var own = budgets[0]!;
        Assert.Equal(("promotion", "day", today), (own["scope"]!.GetValue<string>(), own["period"]!.GetValue<string>(), own["periodKey"]!.GetValue<string>()));
        Assert.Equal((3, 6m, 2, 94m), (own["uses"]!.GetValue<int>(), own["spend"]!.GetValue<decimal>(),
            own["remainingUses"]!.GetValue<int>(), own["remainingSpend"]!.GetValue<decimal>()));
        var perPartner = budgets[1]!["partners"]!.AsArray().ToDictionary(entry => entry!["partnerId"]!.GetValue<Guid>(), entry => entry!["remainingUses"]!.GetValue<int>());
        Assert.Equal(new Dictionary<Guid, int> { [partnerA] = 0, [partnerB] = 1 }, perPartner);
        Assert.Equal(3, budgets[1]!["uses"]!.GetValue<int>());
    }

    [Fact]
    public async Task BudgetUsage_UnknownPromotion_404Problem()
    {
        var response = await _admin.GetAsync($"/api/promotions/definitions/{Guid.NewGuid()}/budgets", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
