using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

public sealed class OrderVerificationTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Order_ChargedAsQuoted_Honoured_ConsumesReservation_ReplayIdempotent()
    {
        var (cart, checkout, id) = await CheckoutWithBudgetAsync(maxUses: 5);
        var order = Order(cart, checkout);

        var verified = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", order, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var replay = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", order, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal("honoured", verified["outcome"]!.GetValue<string>());
        Assert.Equal(verified.ToJsonString(), replay.ToJsonString());
        var reservationId = checkout["quote"]!["reservationId"]!.GetValue<Guid>();
        var reservation = await factory.QueryDbAsync(db => db.BudgetReservations.SingleAsync(reservation => reservation.Id == reservationId, Ct));
        Assert.Equal("Consumed", reservation.Status.ToString());
        Assert.Equal(1, await CountEventsAsync("order-promotions-verified", order["orderId"]!.GetValue<string>()));
        Assert.NotNull(checkout.Applied(id));
    }

    [Fact]
    public async Task Order_ChargedDifferently_ExplicitMismatch_RecordedAndPublished()
    {
        var (cart, checkout, _) = await CheckoutWithBudgetAsync(maxUses: 5);
        var order = Order(cart, checkout);
        order["chargedGrandTotal"] = checkout.Total("grandTotal") - 1m;
        order["chargedDiscountTotal"] = checkout.Total("discountTotal") + 1m;

        var verified = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", order, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("mismatch", verified["outcome"]!.GetValue<string>());
        Assert.Equal("charged_differs", verified["mismatchReason"]!.GetValue<string>());
        Assert.Equal(1, await CountEventsAsync("quote-mismatch-detected", order["orderId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Order_CartChangedAfterQuote_MismatchCartChanged()
    {
        var (cart, checkout, _) = await CheckoutWithBudgetAsync(maxUses: 5);
        var changed = (JsonObject)cart.DeepClone();
        changed["lines"]![0]!["quantity"] = 3;
        var order = Order(changed, checkout);

        var verified = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", order, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("cart_changed", verified["mismatchReason"]!.GetValue<string>());
        Assert.NotEqual(verified["quotedGrandTotal"]!.GetValue<decimal>(), verified["expectedGrandTotal"]!.GetValue<decimal>());
    }

    [Theory]
    [InlineData("grandTotal")]
    [InlineData("expiresAt")]
    [InlineData("signature")]
    [InlineData("reservationId")]
    public async Task Order_TamperedQuote_Returns422_NothingRecorded(string field)
    {
        var (cart, checkout, _) = await CheckoutWithBudgetAsync(maxUses: 5);
        var order = Order(cart, checkout);
        var quote = order["quote"]!.AsObject();
        quote[field] = field switch
        {
            "grandTotal" => 0.01m,
            "expiresAt" => DateTimeOffset.UtcNow.AddYears(1),
            "signature" => Convert.ToBase64String(new byte[32]),
            _ => Guid.NewGuid(),
        };

        var response = await _storefront.PostAsJsonAsync("/api/promotions/orders", order, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await _storefront.GetAsync($"/api/promotions/orders/{order["orderId"]}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Order_QuoteReserializedWithoutTrailingZeros_StillAuthentic()
    {
        var (cart, checkout, _) = await CheckoutWithBudgetAsync(maxUses: 5);
        var order = Order(cart, checkout);
        var quote = order["quote"]!.AsObject();
        quote["grandTotal"] = JsonValue.Create(decimal.Parse(quote["grandTotal"]!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture) + 0.000m);

        var response = await _storefront.PostAsJsonAsync("/api/promotions/orders", order, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Order_ExpiredQuote_Reevaluated_RequotedWhenRulesAgree_MismatchWhenNot()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 10));
        var cart = PromotionsTestClient.Cart(("l", product, 2, 25m, null)).With("touchpoint", "checkout");
        var checkout = await _storefront.EvaluateAsync(cart);
        var expired = await ExpireQuoteAsync(checkout);

        var agreed = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", Order(cart, expired), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal("requoted", agreed["outcome"]!.GetValue<string>());

        await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/pause", new JsonObject { ["reason"] = "test" }, Ct);
        var laterCheckout = await ExpireQuoteAsync(checkout);
        var order = Order(cart, laterCheckout);
        var differs = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", order, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal("mismatch", differs["outcome"]!.GetValue<string>());
        Assert.Equal("expired_quote_differs", differs["mismatchReason"]!.GetValue<string>());
        Assert.Equal(checkout.Total("grandTotal") + checkout.Total("discountTotal"), differs["expectedGrandTotal"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Order_SameOrderIdOtherQuote_Returns409()
    {
        var (cart, checkout, _) = await CheckoutWithBudgetAsync(maxUses: 5);
        var order = Order(cart, checkout);
        (await _storefront.PostAsJsonAsync("/api/promotions/orders", order, Ct)).EnsureSuccessStatusCode();
        var other = await _storefront.EvaluateAsync(cart);
        var reused = Order(cart, other);
        reused["orderId"] = order["orderId"]!.DeepClone();

        await (await _storefront.PostAsJsonAsync("/api/promotions/orders", reused, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Order_SameOrderIdSameQuoteOtherChargedAmount_Returns409_FirstAnswerStands()
    {
        var (cart, checkout, _) = await CheckoutWithBudgetAsync(maxUses: 5);
        var order = Order(cart, checkout);
        var first = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", order, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var other = (JsonObject)order.DeepClone();
        other["chargedGrandTotal"] = checkout.Total("grandTotal") + 1m;

        await (await _storefront.PostAsJsonAsync("/api/promotions/orders", other, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        var stored = await _storefront.GetFromJsonAsync<JsonObject>($"/api/promotions/orders/{order["orderId"]}", Ct);
        Assert.Equal(first.ToJsonString(), stored!.ToJsonString());
    }

    [Fact]
    public async Task Cancel_GivesTheBudgetUseBack_Once()
    {
        var (cart, checkout, id) = await CheckoutWithBudgetAsync(maxUses: 1);
        var order = Order(cart, checkout);
        (await _storefront.PostAsJsonAsync("/api/promotions/orders", order, Ct)).EnsureSuccessStatusCode();
        Assert.Equal("budget_exhausted", (await _storefront.EvaluateAsync(cart)).RejectionReason(id));

        var cancelled = await (await _storefront.PostAsync($"/api/promotions/orders/{order["orderId"]}/cancellation", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        (await _storefront.PostAsync($"/api/promotions/orders/{order["orderId"]}/cancellation", null, Ct)).EnsureSuccessStatusCode();

        Assert.True(cancelled["cancelled"]!.GetValue<bool>());
        var counter = await factory.QueryDbAsync(db => db.BudgetCounters.SingleAsync(counter => counter.Key == $"promotion:{id:N}:all", Ct));
        Assert.Equal(0, counter.Uses);
        Assert.NotNull((await _storefront.EvaluateAsync(cart)).Applied(id));
    }

    [Fact]
    public async Task Order_CartQuoteOfACappedPromotion_CountsAtOrderTime_NeverPastTheCap()
    {
        var (cart, _, id) = await CheckoutWithBudgetAsync(maxUses: 1, evaluate: false);
        var cartQuote = await _storefront.EvaluateAsync(cart.With("touchpoint", "cart"));
        Assert.Null(cartQuote["quote"]!["reservationId"]?.GetValue<Guid?>());

        var first = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", Order(cart, cartQuote), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var second = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", Order(cart, cartQuote), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("honoured", first["outcome"]!.GetValue<string>());
        Assert.Equal("mismatch", second["outcome"]!.GetValue<string>());
        Assert.Equal("budget_exhausted", second["mismatchReason"]!.GetValue<string>());
        Assert.Equal(cartQuote.Total("itemsSubtotal") + cartQuote.Total("shipping"), second["expectedGrandTotal"]!.GetValue<decimal>());
        var counter = await factory.QueryDbAsync(db => db.BudgetCounters.SingleAsync(counter => counter.Key == $"promotion:{id:N}:all", Ct));
        Assert.Equal(1, counter.Uses);
        Assert.Equal(1, await CountEventsAsync("quote-mismatch-detected", second["orderId"]!.GetValue<string>()));
        Assert.Equal("budget_exhausted", (await _storefront.EvaluateAsync(cart)).RejectionReason(id));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Order_OneQuotedCapFilledSinceTheQuote_TheOtherPromotionsStillTakeTheirUse_UpToTheirCap(bool chargedAsExpected)
    {
        var utm = $"utm-{Guid.NewGuid():N}";
        JsonObject Capped(string type, decimal amount, int maxUses) => new()
        {
            ["name"] = type,
            ["currency"] = "EUR",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "trafficSource", ["utmSources"] = new JsonArray(utm) }),
            ["action"] = new JsonObject { ["type"] = type, ["amount"] = amount },
            ["budgets"] = new JsonArray(new JsonObject { ["maxUses"] = maxUses }),
        };
        var full = await _admin.PublishAsync(Capped("fixedOffOrder", 10m, maxUses: 1));
        var other = await _admin.PublishAsync(Capped("fixedOffShipping", 2m, maxUses: 3));
        var cart = PromotionsTestClient.Cart(("l", PromotionsTestClient.UniqueProduct(), 1, 50m, null)).With("touchpoint", "cart").With("utmSource", utm);
        var quote = await _storefront.EvaluateAsync(cart);
        Assert.NotNull(quote.Applied(full));
        Assert.NotNull(quote.Applied(other));

        var orders = new List<JsonObject>();
        for (var index = 0; index < 4; index++)
        {
            var order = Order(cart, quote);
            if (chargedAsExpected && index > 0)
            {
                order["chargedGrandTotal"] = quote.Total("grandTotal") + 10m; // only the other promotion's discount
                order["chargedDiscountTotal"] = 2m;
            }

            orders.Add(await (await _storefront.PostAsJsonAsync("/api/promotions/orders", order, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created));
        }

        Assert.Equal("honoured", orders[0]["outcome"]!.GetValue<string>());
        Assert.All(orders.Skip(1), order => Assert.Equal("mismatch", order["outcome"]!.GetValue<string>()));
        if (!chargedAsExpected)
        {
            Assert.All(orders.Skip(1), order => Assert.Equal("budget_exhausted", order["mismatchReason"]!.GetValue<string>()));
            // Orders 2 and 3 are still due the other promotion; by order 4 its cap is full too.
            Assert.Equal([quote.Total("grandTotal") + 10m, quote.Total("grandTotal") + 10m, quote.Total("grandTotal") + 12m],
                orders.Skip(1).Select(order => order["expectedGrandTotal"]!.GetValue<decimal>()));
        }

        // The other promotion was charged on every order: its cap counts each, up to the cap and never past it.
        var uses = await factory.QueryDbAsync(db => db.BudgetCounters
            .Where(counter => counter.Key == $"promotion:{full:N}:all" || counter.Key == $"promotion:{other:N}:all")
            .ToDictionaryAsync(counter => counter.Key, counter => counter.Uses, Ct));
        Assert.Equal(1, uses[$"promotion:{full:N}:all"]);
        Assert.Equal(3, uses[$"promotion:{other:N}:all"]);
        Assert.Equal("budget_exhausted", (await _storefront.EvaluateAsync(cart.With("touchpoint", "checkout"))).RejectionReason(other));
    }

    [Fact]
    public async Task Order_ChargedDifferentlyButWithTheDiscount_KeepsTheBudgetUse()
    {
        var (cart, checkout, id) = await CheckoutWithBudgetAsync(maxUses: 1);
        var order = Order(cart, checkout);
        order["chargedGrandTotal"] = checkout.Total("grandTotal") + 0.01m;

        var verified = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", order, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("charged_differs", verified["mismatchReason"]!.GetValue<string>());
        var counter = await factory.QueryDbAsync(db => db.BudgetCounters.SingleAsync(counter => counter.Key == $"promotion:{id:N}:all", Ct));
        Assert.Equal(1, counter.Uses);
        Assert.Equal("budget_exhausted", (await _storefront.EvaluateAsync(cart)).RejectionReason(id));
    }

    [Fact]
    public async Task Order_OneCheckoutQuoteForSeveralOrders_EachOrderTakesItsOwnUse_NeverPastTheCap()
    {
        var (cart, checkout, id) = await CheckoutWithBudgetAsync(maxUses: 2);

        var verified = new List<JsonObject>();
        for (var index = 0; index < 3; index++)
        {
            verified.Add(await (await _storefront.PostAsJsonAsync("/api/promotions/orders", Order(cart, checkout), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created));
        }

        // The quote's reservation counts the first order; the second takes the cap's last use; the third finds it full.
        Assert.Equal(["honoured", "honoured", "mismatch"], verified.Select(order => order["outcome"]!.GetValue<string>()));
        Assert.Equal("budget_exhausted", verified[2]["mismatchReason"]!.GetValue<string>());
        Assert.Equal(checkout.Total("itemsSubtotal") + checkout.Total("shipping"), verified[2]["expectedGrandTotal"]!.GetValue<decimal>());
        var counter = await factory.QueryDbAsync(db => db.BudgetCounters.SingleAsync(counter => counter.Key == $"promotion:{id:N}:all", Ct));
        Assert.Equal(2, counter.Uses);
        Assert.Equal(1, await CountEventsAsync("quote-mismatch-detected", verified[2]["orderId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Order_SecondOrderOnACheckoutQuote_PerCustomerLimitReached_Mismatch()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["budgets"] = new JsonArray(new JsonObject { ["maxUses"] = 1 });
        definition["perCustomerLimit"] = 1;
        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 40m, null)).With("touchpoint", "checkout")
            .With("customer", new JsonObject { ["id"] = $"c-{Guid.NewGuid():N}" });
        var checkout = await _storefront.EvaluateAsync(cart);
        Assert.NotNull(checkout.Applied(id));

        var first = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", Order(cart, checkout), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var second = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", Order(cart, checkout), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("honoured", first["outcome"]!.GetValue<string>());
        Assert.Equal("mismatch", second["outcome"]!.GetValue<string>());
        Assert.Equal("usage_limit_reached", second["mismatchReason"]!.GetValue<string>());
        var counter = await factory.QueryDbAsync(db => db.BudgetCounters.SingleAsync(counter => counter.Key == $"promotion:{id:N}:all", Ct));
        Assert.Equal(1, counter.Uses);
    }

    [Fact]
    public async Task Order_QuotesOfAPausedPromotion_AreStale_ChargedDiscountCountedUpToTheCap_ResumedCapStillHolds()
    {
        var (cart, _, id) = await CheckoutWithBudgetAsync(maxUses: 1, evaluate: false);
        var carts = Enumerable.Range(0, 3).Select(index => cart.With("touchpoint", "cart").With("customer", new JsonObject { ["id"] = $"pz{index}-{Guid.NewGuid():N}" })).ToList();
        var quotes = new List<JsonObject>();
        foreach (var quoted in carts)
        {
            var evaluation = await _storefront.EvaluateAsync(quoted);
            Assert.NotNull(evaluation.Applied(id));
            quotes.Add(evaluation);
        }

        (await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/pause", new JsonObject { ["reason"] = "test" }, Ct)).EnsureSuccessStatusCode();
        var orders = new List<JsonObject>();
        for (var index = 0; index < carts.Count; index++)
        {
            orders.Add(await (await _storefront.PostAsJsonAsync("/api/promotions/orders", Order(carts[index], quotes[index]), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created));
        }

        Assert.All(orders, order =>
        {
            Assert.Equal("mismatch", order["outcome"]!.GetValue<string>());
            Assert.Equal("promotion_not_live", order["mismatchReason"]!.GetValue<string>());
            Assert.Equal(quotes[0].Total("itemsSubtotal") + quotes[0].Total("shipping"), order["expectedGrandTotal"]!.GetValue<decimal>());
        });
        // Each order was charged the discount anyway: the first takes the one use (the next find the cap full; their
        // mismatches are the record), so after the resume nobody else gets it.
        var counted = await factory.QueryDbAsync(db => db.BudgetCounters.Where(counter => counter.Key == $"promotion:{id:N}:all").Select(counter => counter.Uses).SingleOrDefaultAsync(Ct));
        Assert.Equal(1, counted);

        (await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/resume", new JsonObject { ["reason"] = "test" }, Ct)).EnsureSuccessStatusCode();
        Assert.Equal("budget_exhausted", (await _storefront.EvaluateAsync(cart)).RejectionReason(id));
    }

    [Theory]
    [InlineData(true, "Consumed")]
    [InlineData(false, "Released")]
    public async Task Order_CheckoutQuoteOfAPromotionPausedBeforeTheOrder_Stale_UseKeptOnlyWhenTheDiscountWasCharged(
        bool chargedDiscount, string reservationStatus)
    {
        var (cart, checkout, id) = await CheckoutWithBudgetAsync(maxUses: 1);
        (await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/pause", new JsonObject { ["reason"] = "test" }, Ct)).EnsureSuccessStatusCode();
        var order = Order(cart, checkout);
        if (!chargedDiscount)
        {
            order["chargedGrandTotal"] = checkout.Total("itemsSubtotal") + checkout.Total("shipping");
            order["chargedDiscountTotal"] = 0m;
        }

        var verified = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", order, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal(chargedDiscount ? "mismatch" : "requoted", verified["outcome"]!.GetValue<string>());
        Assert.Equal(chargedDiscount ? "promotion_not_live" : null, verified["mismatchReason"]?.GetValue<string>());
        var reservationId = checkout["quote"]!["reservationId"]!.GetValue<Guid>();
        var reservation = await factory.QueryDbAsync(db => db.BudgetReservations.SingleAsync(reservation => reservation.Id == reservationId, Ct));
        Assert.Equal(reservationStatus, reservation.Status.ToString());

        // maxUses 1: a discount charged on the stale quote was the one use, so after the resume another customer does not get it.
        (await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/resume", new JsonObject { ["reason"] = "test" }, Ct)).EnsureSuccessStatusCode();
        var other = await _storefront.EvaluateAsync(cart.With("customer", new JsonObject { ["id"] = $"c-{Guid.NewGuid():N}" }));
        if (chargedDiscount)
        {
            Assert.Equal("budget_exhausted", other.RejectionReason(id));
        }
        else
        {
            Assert.NotNull(other.Applied(id));
        }
    }

    [Theory]
    [InlineData("checkout")]
    [InlineData("cart")]
    public async Task Order_RolloutCutToZeroAfterTheQuote_StaleAsAPausedPromotion_NotHonoured(string touchpoint)
    {
        var (cart, _, id) = await CheckoutWithBudgetAsync(maxUses: 5, evaluate: false);
        cart = cart.With("touchpoint", touchpoint).With("visitorId", $"v-{Guid.NewGuid():N}");
        var quoted = await _storefront.EvaluateAsync(cart);
        Assert.NotNull(quoted.Applied(id));
        (await _admin.PutAsJsonAsync($"/api/promotions/definitions/{id}/rollout", new JsonObject { ["percent"] = 0, ["reason"] = "test" }, Ct)).EnsureSuccessStatusCode();

        var verified = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", Order(cart, quoted), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal(("mismatch", "promotion_not_live"), (verified["outcome"]!.GetValue<string>(), verified["mismatchReason"]!.GetValue<string>()));
        Assert.Equal(quoted.Total("itemsSubtotal") + quoted.Total("shipping"), verified["expectedGrandTotal"]!.GetValue<decimal>());
        var counted = await factory.QueryDbAsync(db => db.BudgetCounters.Where(counter => counter.Key == $"promotion:{id:N}:all").Select(counter => counter.Uses).SingleOrDefaultAsync(Ct));
        Assert.Equal(1, counted); // charged the discount anyway: the use counts
    }

    [Theory]
    [InlineData(40, 2, "gift_not_due")] // the condition is no longer met: the gift line at 0 is left over
    [InlineData(50, 3, "gift_not_due")] // one unit more than the gift gives
    [InlineData(50, 2, null)]
    public async Task Order_WithGiftUnitsAtZeroThePromotionDoesNotGive_NotHonoured(int mainPrice, int giftUnits, string? mismatch)
    {
        var main = PromotionsTestClient.UniqueProduct();
        var gift = PromotionsTestClient.UniqueProduct();
        await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "two gifts over 50",
            ["currency"] = "EUR",
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "items", ["filter"] = new JsonObject { ["productIds"] = new JsonArray(main) } },
                new JsonObject { ["type"] = "cartSubtotal", ["min"] = 50 }),
            ["action"] = new JsonObject { ["type"] = "freeGift", ["productId"] = gift, ["quantity"] = 2 },
        });
        var cart = PromotionsTestClient.Cart(("a", main, 1, mainPrice, null), ("g", gift, giftUnits, 0m, null)).With("touchpoint", "checkout");
        var checkout = await _storefront.EvaluateAsync(cart);

        var verified = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", Order(cart, checkout), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal(mismatch is null ? "honoured" : "mismatch", verified["outcome"]!.GetValue<string>());
        Assert.Equal(mismatch, verified["mismatchReason"]?.GetValue<string>());
    }

    [Fact]
    public async Task Order_AsAGuestWithTheQuoteOfASignedInFirstOrder_CartChanged()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 50);
        definition["conditions"] = new JsonArray(new JsonObject { ["type"] = "firstOrder" });
        var id = await _admin.PublishAsync(definition);
        var customer = new JsonObject { ["id"] = $"c-{Guid.NewGuid():N}", ["previousOrders"] = 0 };
        var cart = PromotionsTestClient.Cart(("l", product, 2, 10.50m, null)).With("touchpoint", "checkout").With("customer", customer);
        var checkout = await _storefront.EvaluateAsync(cart);
        Assert.NotNull(checkout.Applied(id));
        var asGuest = cart.With("customer", customer.With("guest", true));

        var verified = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", Order(asGuest, checkout), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("mismatch", verified["outcome"]!.GetValue<string>());
        Assert.Equal("cart_changed", verified["mismatchReason"]!.GetValue<string>());
        Assert.Equal((await _storefront.EvaluateAsync(asGuest)).Total("grandTotal"), verified["expectedGrandTotal"]!.GetValue<decimal>());
        Assert.Equal(checkout.Total("itemsSubtotal") + checkout.Total("shipping"), verified["expectedGrandTotal"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Order_CartQuoteOfACartOnlyOffer_CheckoutGivesOtherwise_TouchpointDiffers()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 20);
        definition["conditions"] = new JsonArray(new JsonObject { ["type"] = "touchpoint", ["touchpoints"] = new JsonArray("cart") });
        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 50m, null)).With("touchpoint", "cart");
        var cartQuote = await _storefront.EvaluateAsync(cart);
        Assert.NotNull(cartQuote.Applied(id));

        var verified = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", Order(cart, cartQuote), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("mismatch", verified["outcome"]!.GetValue<string>());
        Assert.Equal("touchpoint_differs", verified["mismatchReason"]!.GetValue<string>());
        Assert.Equal(cartQuote.Total("itemsSubtotal") + cartQuote.Total("shipping"), verified["expectedGrandTotal"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Order_LineAndProductIdsWithColons_AnotherCartNeverSharesTheQuote()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 50));
        var quoted = PromotionsTestClient.Cart(("1:y", product, 1, 100m, null)).With("touchpoint", "checkout");
        var other = PromotionsTestClient.Cart(("1", "y:" + product, 1, 100m, null)).With("touchpoint", "checkout");
        var checkout = await _storefront.EvaluateAsync(quoted);
        Assert.NotNull(checkout.Applied(id));

        var verified = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", Order(other, checkout), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("mismatch", verified["outcome"]!.GetValue<string>());
        Assert.Equal("cart_changed", verified["mismatchReason"]!.GetValue<string>());
        Assert.Equal(104.90m, verified["expectedGrandTotal"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Order_BadInput_Returns400_UnknownOrder404()
    {
        var missingQuote = await _storefront.PostAsJsonAsync("/api/promotions/orders", new JsonObject { ["orderId"] = "o-1" }, Ct);
        var negative = await _storefront.PostAsJsonAsync("/api/promotions/orders", new JsonObject
        {
            ["orderId"] = "o-2", ["quote"] = new JsonObject(), ["order"] = PromotionsTestClient.Cart(("l", "p", 1, 1m, null)),
            ["chargedGrandTotal"] = -1, ["chargedDiscountTotal"] = 0,
        }, Ct);

        await missingQuote.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await negative.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _storefront.GetAsync("/api/promotions/orders/never-seen", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _storefront.PostAsync("/api/promotions/orders/never-seen/cancellation", null, Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("2026/0001")]
    [InlineData(".")]
    [InlineData("..")]
    public async Task Order_IdTheOrderRoutesCannotAddress_Returns400NamingOrderId_NothingVerified(string orderId)
    {
        var (cart, checkout, _) = await CheckoutWithBudgetAsync(maxUses: 5);
        var order = Order(cart, checkout);
        order["orderId"] = orderId;

        var problem = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", order, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("\"orderId\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        Assert.False(await factory.QueryDbAsync(db => db.OrderVerifications.AnyAsync(verification => verification.OrderId == orderId, Ct)));
    }

    private async Task<(JsonObject Cart, JsonObject Checkout, Guid PromotionId)> CheckoutWithBudgetAsync(int maxUses, bool evaluate = true)
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["budgets"] = new JsonArray(new JsonObject { ["maxUses"] = maxUses });
        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 2, 24.95m, null)).With("touchpoint", "checkout");
        return (cart, evaluate ? await _storefront.EvaluateAsync(cart) : [], id);
    }

    private static JsonObject Order(JsonObject cart, JsonObject checkout) => new()
    {
        ["orderId"] = $"order-{Guid.NewGuid():N}",
        ["quote"] = checkout["quote"]!.DeepClone(),
        ["order"] = cart.DeepClone(),
        ["chargedGrandTotal"] = checkout.Total("grandTotal"),
        ["chargedDiscountTotal"] = checkout.Total("discountTotal"),
    };

    /// <summary>A quote as it would be after its lifetime: signed by the service with an expiry in the past.</summary>
    private async Task<JsonObject> ExpireQuoteAsync(JsonObject checkout)
    {
        var signer = factory.Services.GetService(typeof(PartnerMesh.Promotions.Api.Evaluations.QuoteSigner)) as PartnerMesh.Promotions.Api.Evaluations.QuoteSigner;
        var quote = checkout["quote"].Deserialize<PartnerMesh.Promotions.Api.Evaluations.Quote>(PartnerMesh.Promotions.Api.Common.PromotionJson.Options)!;
        var expired = signer!.Sign(quote with { IssuedAt = quote.IssuedAt.AddHours(-1), ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) });
        var copy = (JsonObject)checkout.DeepClone();
        copy["quote"] = System.Text.Json.JsonSerializer.SerializeToNode(expired, PartnerMesh.Promotions.Api.Common.PromotionJson.Options);
        await Task.CompletedTask;
        return copy;
    }

    private async Task<int> CountEventsAsync(string urnPart, string orderId)
    {
        var payloads = await factory.QueryDbAsync(db => db.Set<PartnerMesh.Outbox.OutboxMessage>()
            .Where(message => message.MessageUrn.Contains(urnPart)).Select(message => message.Payload).ToListAsync(Ct));
        return payloads.Count(payload => payload.Contains(orderId, StringComparison.Ordinal));
    }
}
