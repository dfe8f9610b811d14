using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

public sealed class EvaluationEndpointsTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Evaluate_PublishedPromotion_PricesLinesTotalsAndExplainsRejections()
    {
        var shoes = PromotionsTestClient.UniqueProduct();
        var socks = PromotionsTestClient.UniqueProduct();
        var percent = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(shoes, 20));
        var threshold = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "10 off orders of 500 with socks",
            ["currency"] = "EUR",
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "cartSubtotal", ["min"] = 500 },
                new JsonObject { ["type"] = "items", ["filter"] = new JsonObject { ["productIds"] = new JsonArray(socks) } }),
            ["action"] = new JsonObject { ["type"] = "fixedOffOrder", ["amount"] = 10 },
        });

        var evaluation = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l1", shoes, 2, 50.00m, null), ("l2", socks, 1, 9.99m, null)));

        var line = evaluation["lines"]!.AsArray().Single(line => line!["id"]!.GetValue<string>() == "l1")!;
        Assert.Equal(100.00m, line["subtotal"]!.GetValue<decimal>());
        Assert.Equal(20.00m, line["itemDiscount"]!.GetValue<decimal>());
        Assert.Equal(80.00m, line["total"]!.GetValue<decimal>());
        Assert.Equal(109.99m, evaluation.Total("itemsSubtotal"));
        Assert.Equal(20.00m, evaluation.Total("discountTotal"));
        Assert.Equal(94.89m, evaluation.Total("grandTotal"));
        Assert.Equal(20.00m, evaluation.Applied(percent)!["amount"]!.GetValue<decimal>());
        Assert.Equal("item", evaluation.Applied(percent)!["stackingClass"]!.GetValue<string>());
        Assert.Equal("condition_not_met", evaluation.RejectionReason(threshold));
        var quote = evaluation["quote"]!;
        Assert.Equal(94.89m, quote["grandTotal"]!.GetValue<decimal>());
        Assert.False(string.IsNullOrEmpty(quote["signature"]!.GetValue<string>()));
        Assert.True(quote["expiresAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Evaluate_SameCartAtEveryTouchpoint_SameAnswer()
    {
        var product = PromotionsTestClient.UniqueProduct();
        await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 15));
        var cart = PromotionsTestClient.Cart(("a", product, 3, 19.99m, null));

        var answers = new List<JsonObject>();
        foreach (var touchpoint in new[] { "productPage", "cart", "checkout" })
        {
            answers.Add(await _storefront.EvaluateAsync(cart.With("touchpoint", touchpoint)));
        }

        Assert.Single(answers.Select(answer => answer["totals"]!.ToJsonString()).Distinct());
        Assert.Single(answers.Select(answer => answer["applied"]!.ToJsonString()).Distinct());
        // The quote's cart hash also covers the touchpoint it was priced at (a touchpoint condition can change the answer).
        Assert.Equal(3, answers.Select(answer => answer["quote"]!["cartHash"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task Evaluate_PercentOffItems_TakesThePercentOfTheWholeBaseHoweverTheGoodsAreSplitIntoLines()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 15));

        // 15 % of 0.90 = 0.135 → 0.14, shared 0.05 / 0.05 / 0.04; rounding each 0.30 line (0.045 → 0.05) gave 0.15.
        var threeLines = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(
            ("c", product, 1, 0.30m, null), ("a", product, 1, 0.30m, null), ("b", product, 1, 0.30m, null)).With("touchpoint", "cart"));
        var oneLine = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("a", product, 3, 0.30m, null)).With("touchpoint", "cart"));
        var productPage = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("a", product, 3, 0.30m, null)).With("touchpoint", "productPage"));

        Assert.Equal(0.14m, threeLines.Applied(id)!["amount"]!.GetValue<decimal>());
        Assert.Equal(0.14m, threeLines.Total("itemDiscounts"));
        Assert.Equal(0.90m + 4.90m - 0.14m, threeLines.Total("grandTotal"));
        Assert.Equal([("c", 0.04m), ("a", 0.05m), ("b", 0.05m)], threeLines["lines"]!.AsArray()
            .Select(line => (line!["id"]!.GetValue<string>(), line["itemDiscount"]!.GetValue<decimal>())));
        Assert.Equal(threeLines["totals"]!.ToJsonString(), oneLine["totals"]!.ToJsonString());
        Assert.Equal(oneLine["totals"]!.ToJsonString(), productPage["totals"]!.ToJsonString());
        Assert.Equal(oneLine["applied"]!.ToJsonString(), productPage["applied"]!.ToJsonString());
    }

    [Fact]
    public async Task Evaluate_LineAndCodeOrder_DoesNotChangeTheAnswer()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var other = PromotionsTestClient.UniqueProduct();
        var code1 = $"A{Guid.NewGuid():N}"[..12];
        var code2 = $"B{Guid.NewGuid():N}"[..12];
        await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "code 1", ["requiresCode"] = true, ["codes"] = new JsonArray(code1),
            ["action"] = new JsonObject { ["type"] = "percentOffOrder", ["percent"] = 10 },
        });
        await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "code 2", ["requiresCode"] = true, ["codes"] = new JsonArray(code2), ["exclusivity"] = "stopAfterThis", ["priority"] = 1,
            ["action"] = new JsonObject { ["type"] = "percentOffItems", ["percent"] = 30, ["filter"] = new JsonObject { ["productIds"] = new JsonArray(product) } },
        });

        var forward = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("x", product, 1, 33.33m, null), ("y", other, 2, 7.77m, null))
            .With("codes", new JsonArray(code1, code2)));
        var backward = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("y", other, 2, 7.77m, null), ("x", product, 1, 33.33m, null))
            .With("codes", new JsonArray(code2.ToLowerInvariant(), code1)));

        Assert.Equal(forward["totals"]!.ToJsonString(), backward["totals"]!.ToJsonString());
        Assert.Equal(forward["applied"]!.ToJsonString(), backward["applied"]!.ToJsonString());
        Assert.Equal(forward["quote"]!["cartHash"]!.GetValue<string>(), backward["quote"]!["cartHash"]!.GetValue<string>());
    }

    [Fact]
    public async Task Evaluate_StaleProof_RemovingCodeChangingLineOrEndingPromotion_ChangesNextAnswer()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var code = $"C{Guid.NewGuid():N}"[..12];
        var id = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "5 % with code over 50", ["requiresCode"] = true, ["codes"] = new JsonArray(code), ["currency"] = "EUR",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "cartSubtotal", ["min"] = 50 }),
            ["action"] = new JsonObject { ["type"] = "percentOffOrder", ["percent"] = 5 },
        });
        var cart = PromotionsTestClient.Cart(("l", product, 2, 30m, null)).With("codes", new JsonArray(code));

        Assert.Equal(3.00m, (await _storefront.EvaluateAsync(cart)).Applied(id)!["amount"]!.GetValue<decimal>());
        // A code-gated promotion is only a candidate when one of its codes is entered: without it, it is not mentioned.
        var withoutCode = await _storefront.EvaluateAsync(cart.With("codes", new JsonArray()));
        Assert.Null(withoutCode.Applied(id));
        Assert.Equal(0m, withoutCode.Total("discountTotal"));
        Assert.Equal("condition_not_met", (await _storefront.EvaluateAsync(
            PromotionsTestClient.Cart(("l", product, 1, 30m, null)).With("codes", new JsonArray(code)))).RejectionReason(id));

        await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/end", new JsonObject { ["reason"] = "over" }, Ct);
        var afterEnd = await _storefront.EvaluateAsync(cart);
        Assert.Null(afterEnd.Applied(id));
        Assert.Equal(0m, afterEnd.Total("discountTotal"));
        Assert.Equal("unknown", afterEnd["codes"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Evaluate_OutsideSchedule_ReportsReason_AndAtInsideWindowApplies()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var start = DateTimeOffset.UtcNow.AddDays(2);
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["schedule"] = new JsonObject { ["startsAt"] = start, ["endsAt"] = start.AddDays(1) };
        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 10m, null));

        Assert.Equal("outside_schedule", (await _storefront.EvaluateAsync(cart)).RejectionReason(id));
        Assert.NotNull((await _storefront.EvaluateAsync(cart.With("at", start.AddHours(1)))).Applied(id));
        Assert.Equal("outside_schedule", (await _storefront.EvaluateAsync(cart.With("at", start.AddDays(1)))).RejectionReason(id));
    }

    [Fact]
    public async Task Evaluate_AtAnotherTime_IsAPreview_NoQuoteToOrderWith_NothingReserved()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var start = DateTimeOffset.UtcNow.AddDays(2);
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["schedule"] = new JsonObject { ["startsAt"] = start, ["endsAt"] = start.AddDays(1) };
        definition["budgets"] = new JsonArray(new JsonObject { ["maxUses"] = 1 });
        var id = await _admin.PublishAsync(definition);
        var checkout = PromotionsTestClient.Cart(("l", product, 1, 10m, null)).With("touchpoint", "checkout").With("at", start.AddHours(1));

        var first = await _storefront.EvaluateAsync(checkout);
        using var keyed = new HttpRequestMessage(HttpMethod.Post, "/api/promotions/evaluations") { Content = JsonContent.Create(checkout) };
        keyed.Headers.Add("Idempotency-Key", $"preview-{Guid.NewGuid():N}");
        var second = await (await _storefront.SendAsync(keyed, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.All([first, second], preview =>
        {
            Assert.NotNull(preview.Applied(id));
            Assert.Null(preview["quote"]);
        });
        var reserved = await factory.QueryDbAsync(db => db.BudgetCounters.AnyAsync(counter => counter.Key.Contains(id.ToString("N")), Ct));
        Assert.False(reserved);
    }

    [Fact]
    public async Task Evaluate_UnknownPartnerId_Is422AtEveryTouchpoint_AsOnTheProductPage_AndNothingIsCounted()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["budgets"] = new JsonArray(new JsonObject { ["scope"] = "partner", ["period"] = "day", ["maxUses"] = 1 });
        var id = await _admin.PublishAsync(definition);
        var unknown = Guid.NewGuid();
        var cart = PromotionsTestClient.Cart(("l", product, 1, 100m, null)).With("partnerId", unknown);

        foreach (var touchpoint in new[] { "productPage", "cart", "checkout" })
        {
            var problem = await (await _storefront.PostAsJsonAsync("/api/promotions/evaluations", cart.With("touchpoint", touchpoint), Ct))
                .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.Equal($"No partner {unknown} is known.", problem.Detail);
        }

        using var keyed = new HttpRequestMessage(HttpMethod.Post, "/api/promotions/evaluations") { Content = JsonContent.Create(cart.With("touchpoint", "checkout")) };
        keyed.Headers.Add("Idempotency-Key", $"key-{Guid.NewGuid():N}");
        await (await _storefront.SendAsync(keyed, Ct)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        var productPage = await (await _storefront.PostAsJsonAsync("/api/promotions/product-page",
            new JsonObject { ["productId"] = product, ["partnerId"] = unknown, ["visitorId"] = "v1" }, Ct)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal($"No partner {unknown} is known.", productPage.Detail);
        Assert.False(await factory.QueryDbAsync(db => db.BudgetCounters.AnyAsync(counter => counter.Key.StartsWith($"partner:{id:N}:"), Ct)));

        var registered = await factory.RegisterPartnerAsync(); // registered since the rule set loaded: found, then remembered
        Assert.NotNull((await _storefront.EvaluateAsync(cart.With("partnerId", registered).With("touchpoint", "checkout"))).Applied(id));
        await (await _storefront.PostAsJsonAsync("/api/promotions/product-page",
            new JsonObject { ["productId"] = product, ["partnerId"] = registered, ["visitorId"] = "v1" }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Evaluate_PartnerExclusiveOffer_OnlyForThatPartnersTraffic()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var (partner, otherPartner) = (await factory.RegisterPartnerAsync(), await factory.RegisterPartnerAsync());
        var definition = PromotionsTestClient.PercentOffProduct(product, 12);
        definition["conditions"] = new JsonArray(new JsonObject { ["type"] = "partner", ["partnerIds"] = new JsonArray(partner) });
        var id = await _admin.PublishAsync(definition);
        var cart = PromotionsTestClient.Cart(("l", product, 1, 100m, null));

        Assert.NotNull((await _storefront.EvaluateAsync(cart.With("partnerId", partner))).Applied(id));
        Assert.Equal("not_for_partner", (await _storefront.EvaluateAsync(cart.With("partnerId", otherPartner))).RejectionReason(id));
        Assert.Equal("not_for_partner", (await _storefront.EvaluateAsync(cart)).RejectionReason(id));
    }

    [Fact]
    public async Task Evaluate_CombinesWithAndLowestDiscountMode_OverHttp()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var onlyThisCart = new JsonArray(new JsonObject { ["type"] = "items", ["filter"] = new JsonObject { ["productIds"] = new JsonArray(product) } });
        var items = PromotionsTestClient.PercentOffProduct(product, 10);
        items["combinesWith"] = new JsonObject { ["order"] = false };
        var itemsId = await _admin.PublishAsync(items);
        var tenOff = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "10 % off the order", ["conditions"] = onlyThisCart.DeepClone(),
            ["action"] = new JsonObject { ["type"] = "percentOffOrder", ["percent"] = 10 },
        });
        var twentyOff = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "20 % off the order", ["conditions"] = onlyThisCart.DeepClone(),
            ["action"] = new JsonObject { ["type"] = "percentOffOrder", ["percent"] = 20 },
        });
        var cart = PromotionsTestClient.Cart(("l", product, 1, 100m, null));

        var stacked = await _storefront.EvaluateAsync(cart);
        Assert.NotNull(stacked.Applied(itemsId));
        Assert.Equal("not_combinable", stacked.RejectionReason(tenOff));
        Assert.Equal("not_combinable", stacked.RejectionReason(twentyOff));

        (await _admin.PostAsJsonAsync($"/api/promotions/definitions/{itemsId}/pause", new JsonObject { ["reason"] = "test" }, Ct)).EnsureSuccessStatusCode();
        try
        {
            var settings = await (await _admin.PutAsJsonAsync("/api/promotions/settings", new JsonObject { ["stackingMode"] = "lowestDiscount" }, Ct))
                .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
            Assert.Equal("lowestDiscount", settings["stackingMode"]!.GetValue<string>());
            var lowest = await _storefront.EvaluateAsync(cart);
            Assert.Null(lowest.Applied(itemsId));
            Assert.NotNull(lowest.Applied(tenOff));
            Assert.Equal("not_lowest_discount", lowest.RejectionReason(twentyOff));
        }
        finally
        {
            (await _admin.PutAsJsonAsync("/api/promotions/settings", new JsonObject { ["stackingMode"] = "stack" }, Ct)).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task Evaluate_KillSwitch_StopsEveryPromotion_UntilSwitchedBack()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 50));
        var cart = PromotionsTestClient.Cart(("l", product, 1, 10m, null));
        try
        {
            (await _admin.PutAsJsonAsync("/api/promotions/settings", new JsonObject { ["killSwitch"] = true, ["reason"] = "test" }, Ct)).EnsureSuccessStatusCode();
            var killed = await _storefront.EvaluateAsync(cart);
            Assert.Equal("kill_switch", killed.RejectionReason(id));
            Assert.Equal(0m, killed.Total("discountTotal"));
        }
        finally
        {
            (await _admin.PutAsJsonAsync("/api/promotions/settings", new JsonObject { ["killSwitch"] = false, ["reason"] = "test over" }, Ct)).EnsureSuccessStatusCode();
        }

        Assert.NotNull((await _storefront.EvaluateAsync(cart)).Applied(id));
    }

    [Fact]
    public async Task Evaluate_TwoFreeShippingPromotions_ShippingDiscountedOnce()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var condition = new JsonArray(new JsonObject { ["type"] = "items", ["filter"] = new JsonObject { ["productIds"] = new JsonArray(product) } });
        var first = await _admin.PublishAsync(new JsonObject { ["name"] = "free 1", ["conditions"] = condition.DeepClone(), ["action"] = new JsonObject { ["type"] = "freeShipping" } });
        var second = await _admin.PublishAsync(new JsonObject { ["name"] = "free 2", ["conditions"] = condition.DeepClone(), ["action"] = new JsonObject { ["type"] = "freeShipping" } });

        var evaluation = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 1, 10m, null)));

        Assert.Equal(4.90m, evaluation.Total("shippingDiscount"));
        Assert.Equal(10.00m, evaluation.Total("grandTotal"));
        Assert.Single(new[] { evaluation.Applied(first), evaluation.Applied(second) }, applied => applied is not null);
    }

    [Fact]
    public async Task Evaluate_FreeGiftAddedAtZeroAsListed_IsNoLongerListed_NotCharged_StillApplied()
    {
        var shoe = PromotionsTestClient.UniqueProduct();
        var tote = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "a tote with shoes",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "items", ["filter"] = new JsonObject { ["productIds"] = new JsonArray(shoe) } }),
            ["action"] = new JsonObject { ["type"] = "freeGift", ["productId"] = tote, ["quantity"] = 1 },
        });

        var before = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("a", shoe, 1, 80m, null)));
        var gift = Assert.Single(before["gifts"]!.AsArray())!;
        Assert.Equal((tote, 1), (gift["productId"]!.GetValue<string>(), gift["quantity"]!.GetValue<int>()));

        // The storefront adds what gifts listed, at unit price 0, and asks again.
        var after = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("a", shoe, 1, 80m, null), ("g", tote, 1, 0m, null)));

        Assert.Empty(after["gifts"]!.AsArray());
        Assert.Equal(0m, after.Applied(id)!["amount"]!.GetValue<decimal>());
        Assert.Null(after.RejectionReason(id));
        Assert.Equal(0m, after["lines"]!.AsArray().Single(line => line!["id"]!.GetValue<string>() == "g")!["total"]!.GetValue<decimal>());
        Assert.Equal(84.90m, after.Total("grandTotal"));
    }

    [Fact]
    public async Task Evaluate_FreeGiftThreshold_JudgedWithoutTheGiftUnits_EvenAtFullPrice()
    {
        var (id, main, gift) = await PublishGiftOverFiftyAsync(quantity: 1);

        var pushed = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("a", main, 1, 40m, null), ("g", gift, 1, 10m, null)));
        var met = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("a", main, 1, 50m, null), ("g", gift, 1, 10m, null)));

        Assert.Equal("condition_not_met", pushed.RejectionReason(id));
        Assert.Equal(0m, pushed.Total("discountTotal"));
        Assert.Equal(10m, met.Applied(id)!["amount"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Evaluate_GiftUnitsAtZeroTheFreeGiftDoesNotGive_ListedInGiftsNotDue()
    {
        var (id, main, gift) = await PublishGiftOverFiftyAsync(quantity: 2);

        var leftOver = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("a", main, 1, 40m, null), ("g", gift, 2, 0m, null)));
        var tooMany = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("a", main, 1, 50m, null), ("g", gift, 3, 0m, null)));
        var asGiven = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("a", main, 1, 50m, null), ("g", gift, 2, 0m, null)));
        var otherFree = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("a", main, 1, 50m, null), ("s", PromotionsTestClient.UniqueProduct(), 1, 0m, null)));

        Assert.Equal("condition_not_met", leftOver.RejectionReason(id));
        var notDue = Assert.Single(leftOver["giftsNotDue"]!.AsArray())!;
        Assert.Equal((id, gift, 2), (notDue["promotionId"]!.GetValue<Guid>(), notDue["productId"]!.GetValue<string>(), notDue["quantity"]!.GetValue<int>()));
        Assert.NotNull(tooMany.Applied(id));
        Assert.Equal(1, Assert.Single(tooMany["giftsNotDue"]!.AsArray())!["quantity"]!.GetValue<int>());
        Assert.Empty(asGiven["giftsNotDue"]!.AsArray());
        Assert.Empty(otherFree["giftsNotDue"]!.AsArray()); // not a gift product: a price the storefront chose
    }

    [Fact]
    public async Task Evaluate_GiftUnitsAtZeroWithGiftPromotionsInSeveralCurrencies_GiftsNotDueNamesTheOneOfTheCartsCurrency()
    {
        var main = PromotionsTestClient.UniqueProduct();
        var gift = PromotionsTestClient.UniqueProduct();
        JsonObject Gift(string currency, int priority, decimal min) => new()
        {
            ["name"] = $"a gift in {currency}",
            ["currency"] = currency,
            ["priority"] = priority,
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "items", ["filter"] = new JsonObject { ["productIds"] = new JsonArray(main) } },
                new JsonObject { ["type"] = "cartSubtotal", ["min"] = min }),
            ["action"] = new JsonObject { ["type"] = "freeGift", ["productId"] = gift },
        };
        var inEuro = await _admin.PublishAsync(Gift("EUR", 1, 50m));
        var inYen = await _admin.PublishAsync(Gift("JPY", 2, 10_000m));

        var evaluation = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("a", main, 1, 100m, null), ("g", gift, 1, 0m, null))
            .With("currency", "JPY").With("shipping", 0));

        Assert.Equal("currency_not_supported", evaluation.RejectionReason(inEuro));
        Assert.Equal("condition_not_met", evaluation.RejectionReason(inYen));
        var notDue = Assert.Single(evaluation["giftsNotDue"]!.AsArray())!;
        Assert.Equal((inYen, gift, 1), (notDue["promotionId"]!.GetValue<Guid>(), notDue["productId"]!.GetValue<string>(), notDue["quantity"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Evaluate_ItemPercentThenBuyXGetY_SameGoodsInOneLineOrSix_GiveTheSameTotals()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var (percentOff, halfPrice) = ($"{product}-c1", $"{product}-c2");
        var percent = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "15 % off c1",
            ["priority"] = 10,
            ["action"] = new JsonObject { ["type"] = "percentOffItems", ["percent"] = 15, ["filter"] = new JsonObject { ["categories"] = new JsonArray(percentOff) } },
        });
        var buyXGetY = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "buy 2 get 1 half price on c2",
            ["priority"] = 20,
            ["action"] = new JsonObject
            {
                ["type"] = "buyXGetY", ["buyQuantity"] = 2, ["getQuantity"] = 1, ["percent"] = 50, ["maxApplications"] = 2,
                ["buyFilter"] = new JsonObject { ["categories"] = new JsonArray(halfPrice) },
                ["getFilter"] = new JsonObject { ["categories"] = new JsonArray(halfPrice) },
            },
        });
        JsonObject Cart(params (string Id, int Quantity)[] lines) => WithCategories(
            PromotionsTestClient.Cart([.. lines.Select(line => (line.Id, product, line.Quantity, 1.21m, (string?)null))]), percentOff, halfPrice).With("shipping", 0);

        // 6 × 1.21 = 7.26; 15 % off: 1.09, which six lines share unevenly (1.02 or 1.03 left each); the units still cost
        // 6.17 / 6 each: two given at half price, 0.51 each.
        var oneLine = await _storefront.EvaluateAsync(Cart(("1", 6)));
        var sixLines = await _storefront.EvaluateAsync(Cart([.. Enumerable.Range(1, 6).Select(index => ($"{index}", 1))]));

        foreach (var evaluation in new[] { oneLine, sixLines })
        {
            Assert.Equal(1.09m, evaluation.Applied(percent)!["amount"]!.GetValue<decimal>());
            Assert.Equal(1.02m, evaluation.Applied(buyXGetY)!["amount"]!.GetValue<decimal>());
            Assert.Equal(5.15m, evaluation.Total("grandTotal"));
        }
    }

    [Fact]
    public async Task Evaluate_ItemPercentThenFreeGift_SameGoodsInOneLineOrFour_GiveTheSameTotals()
    {
        var gift = PromotionsTestClient.UniqueProduct();
        var ofGift = new JsonObject { ["productIds"] = new JsonArray(gift) };
        await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "7.5 % off",
            ["priority"] = 10,
            ["action"] = new JsonObject { ["type"] = "percentOffItems", ["percent"] = 7.5m, ["filter"] = ofGift.DeepClone() },
        });
        var freeGift = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "two free",
            ["priority"] = 20,
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "items", ["filter"] = ofGift.DeepClone() }),
            ["action"] = new JsonObject { ["type"] = "freeGift", ["productId"] = gift, ["quantity"] = 2 },
        });

        // 4 × 49.90 = 199.60; 7.5 % off: 14.97 (four lines: 3.75, 3.74, 3.74, 3.74); two of the four units free: half of 184.63.
        var oneLine = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("1", gift, 4, 49.90m, null)).With("shipping", 0));
        var fourLines = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(
            [.. Enumerable.Range(1, 4).Select(index => ($"{index}", gift, 1, 49.90m, (string?)null))]).With("shipping", 0));

        foreach (var evaluation in new[] { oneLine, fourLines })
        {
            Assert.Equal(92.32m, evaluation.Applied(freeGift)!["amount"]!.GetValue<decimal>());
            Assert.Equal(92.31m, evaluation.Total("grandTotal"));
            Assert.Empty(evaluation["gifts"]!.AsArray());
        }
    }

    [Fact]
    public async Task Evaluate_BuyXGetYThenPercent_SameGoodsUnderAnyLineIds_SameTotals()
    {
        var (a, b) = (PromotionsTestClient.UniqueProduct(), PromotionsTestClient.UniqueProduct());
        var both = new JsonObject { ["productIds"] = new JsonArray(a, b) };
        await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "buy 1 get 1 on a or b",
            ["priority"] = 1,
            ["action"] = new JsonObject
            {
                ["type"] = "buyXGetY", ["buyQuantity"] = 1, ["getQuantity"] = 1, ["buyFilter"] = both.DeepClone(), ["getFilter"] = both.DeepClone(),
            },
        });
        await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(a, 50m, "50 % off a").With("priority", 2));

        // The same goods (a and b at 10.00) whichever was added first: which unit is given never depends on line ids.
        var aFirst = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("1", a, 1, 10m, null), ("2", b, 1, 10m, null)).With("shipping", 0));
        var bFirst = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("1", b, 1, 10m, null), ("2", a, 1, 10m, null)).With("shipping", 0));

        Assert.Equal(aFirst["totals"]!.ToJsonString(), bFirst["totals"]!.ToJsonString());
        Assert.Equal(AmountsByPromotion(aFirst), AmountsByPromotion(bFirst));
    }

    [Fact]
    public async Task Evaluate_PercentThenBuyXGetYOnCentPrices_SameGoodsUnderAnyLineIds_SameTotals()
    {
        var (a, b) = (PromotionsTestClient.UniqueProduct(), PromotionsTestClient.UniqueProduct());
        await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "10 % off a and b",
            ["priority"] = 1,
            ["action"] = new JsonObject { ["type"] = "percentOffItems", ["percent"] = 10, ["filter"] = new JsonObject { ["productIds"] = new JsonArray(a, b) } },
        });
        await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "buy a or b, get b",
            ["priority"] = 2,
            ["action"] = new JsonObject
            {
                ["type"] = "buyXGetY", ["buyQuantity"] = 1, ["getQuantity"] = 1,
                ["buyFilter"] = new JsonObject { ["productIds"] = new JsonArray(a, b) }, ["getFilter"] = new JsonObject { ["productIds"] = new JsonArray(b) },
            },
        });

        // 10 % of 0.10 is 0.01, for one of two lines that tie: the goods decide which, never the line ids, so the unit of b
        // given afterwards costs the same whichever line was added first.
        var aFirst = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("1", a, 1, 0.05m, null), ("2", b, 1, 0.05m, null)).With("shipping", 0));
        var bFirst = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("1", b, 1, 0.05m, null), ("2", a, 1, 0.05m, null)).With("shipping", 0));

        Assert.Equal(aFirst["totals"]!.ToJsonString(), bFirst["totals"]!.ToJsonString());
        Assert.Equal(AmountsByPromotion(aFirst), AmountsByPromotion(bFirst));
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(1, 1)]
    [InlineData(3, 0)]
    [InlineData(2, 1)]
    public async Task Evaluate_FreeGiftThenBuyXGetYOnTheGiftProduct_TheGiftUnitIsNeitherBoughtNorGiven(int priced, int atZero)
    {
        var (main, gift) = (PromotionsTestClient.UniqueProduct(), PromotionsTestClient.UniqueProduct());
        var giftPromotion = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "a gift with main",
            ["priority"] = 1,
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "items", ["filter"] = new JsonObject { ["productIds"] = new JsonArray(main) } }),
            ["action"] = new JsonObject { ["type"] = "freeGift", ["productId"] = gift, ["quantity"] = 1 },
        });
        var ofGift = new JsonObject { ["productIds"] = new JsonArray(gift) };
        await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "buy 1 get 1 of the gift product",
            ["priority"] = 2,
            ["action"] = new JsonObject { ["type"] = "buyXGetY", ["buyQuantity"] = 1, ["getQuantity"] = 1, ["buyFilter"] = ofGift.DeepClone(), ["getFilter"] = ofGift.DeepClone() },
        });
        (string, string, int, decimal, string?)[] lines = [("m", main, 1, 60m, null), ("g", gift, priced, 10m, null)];
        var cart = PromotionsTestClient.Cart(atZero == 0 ? lines : [.. lines, ("z", gift, atZero, 0m, null)]).With("shipping", 0);

        var evaluation = await _storefront.EvaluateAsync(cart);

        // One gift unit, whether sent priced or at 0; of the other units of g, one in two is given (2 → none, 3 → one):
        // the gift and one paid unit of g in every cart here.
        Assert.NotNull(evaluation.Applied(giftPromotion));
        Assert.Empty(evaluation["gifts"]!.AsArray());
        Assert.Equal(70m, evaluation.Total("grandTotal"));
    }

    /// <summary>
    /// docs/promotions.md, freeGift: after a buy-X-get-Y that gave a unit of the gift product, the goods' units cost alike
    /// (what they still cost over their quantity), so a priced unit the gift takes is free at that share — 5.00 of 10.00
    /// here, 25.00 to pay — while the gift line sent at 0 is the gift (20.00). With the free gift first, 20.00 either way.
    /// </summary>
    [Theory]
    [InlineData(false, 0, 25)]
    [InlineData(false, 1, 20)]
    [InlineData(true, 0, 20)]
    [InlineData(true, 1, 20)]
    public async Task Evaluate_BuyXGetYThenFreeGiftOfTheGivenProduct_APricedGiftUnitIsFreeAtItsShare(bool giftFirst, int atZero, decimal grandTotal)
    {
        var (main, gift) = (PromotionsTestClient.UniqueProduct(), PromotionsTestClient.UniqueProduct());
        var withMain = new JsonArray(new JsonObject { ["type"] = "items", ["filter"] = new JsonObject { ["productIds"] = new JsonArray(main) } });
        await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "buy main get the gift product free",
            ["priority"] = giftFirst ? 2 : 1,
            ["action"] = new JsonObject
            {
                ["type"] = "buyXGetY", ["buyQuantity"] = 1, ["getQuantity"] = 1,
                ["buyFilter"] = new JsonObject { ["productIds"] = new JsonArray(main) }, ["getFilter"] = new JsonObject { ["productIds"] = new JsonArray(gift) },
            },
        });
        var giftPromotion = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "a gift with main",
            ["priority"] = giftFirst ? 1 : 2,
            ["conditions"] = withMain,
            ["action"] = new JsonObject { ["type"] = "freeGift", ["productId"] = gift, ["quantity"] = 1 },
        });
        (string, string, int, decimal, string?)[] lines = [("m", main, 1, 20m, null), ("g", gift, 2 - atZero, 10m, null)];
        var cart = PromotionsTestClient.Cart(atZero == 0 ? lines : [.. lines, ("z", gift, atZero, 0m, null)]).With("shipping", 0);

        var evaluation = await _storefront.EvaluateAsync(cart);

        Assert.NotNull(evaluation.Applied(giftPromotion));
        Assert.Empty(evaluation["gifts"]!.AsArray());
        Assert.Equal(grandTotal, evaluation.Total("grandTotal"));
    }

    [Fact]
    public async Task Evaluate_TwoFreeGiftsOfOneProduct_EachGivesItsOwnUnit()
    {
        var (main, gift) = (PromotionsTestClient.UniqueProduct(), PromotionsTestClient.UniqueProduct());
        JsonObject Gift(int priority) => new()
        {
            ["name"] = $"gift {priority}",
            ["priority"] = priority,
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "items", ["filter"] = new JsonObject { ["productIds"] = new JsonArray(main) } }),
            ["action"] = new JsonObject { ["type"] = "freeGift", ["productId"] = gift, ["quantity"] = 1 },
        };
        var first = await _admin.PublishAsync(Gift(1));
        var second = await _admin.PublishAsync(Gift(2));
        Task<JsonObject> EvaluateAsync(params (string, string, int, decimal, string?)[] giftLines) =>
            _storefront.EvaluateAsync(PromotionsTestClient.Cart([("m", main, 1, 60m, null), .. giftLines]).With("shipping", 0));
        static (Guid, int)[] Listed(JsonObject evaluation, string name) => [.. evaluation[name]!.AsArray()
            .Select(item => (item!["promotionId"]!.GetValue<Guid>(), item["quantity"]!.GetValue<int>()))];

        var none = await EvaluateAsync();
        var oneAtZero = await EvaluateAsync(("g", gift, 1, 0m, null));
        var onePriced = await EvaluateAsync(("g", gift, 1, 10m, null));
        var twoAtZero = await EvaluateAsync(("g", gift, 2, 0m, null));
        var threeAtZero = await EvaluateAsync(("g", gift, 3, 0m, null));

        Assert.Equal([(first, 1), (second, 1)], Listed(none, "gifts"));
        Assert.Equal([(second, 1)], Listed(oneAtZero, "gifts"));
        Assert.Empty(Listed(oneAtZero, "giftsNotDue"));
        Assert.Equal([(second, 1)], Listed(onePriced, "gifts"));
        Assert.Equal(10m, onePriced.Applied(first)!["amount"]!.GetValue<decimal>());
        Assert.Empty(Listed(twoAtZero, "gifts"));
        Assert.Empty(Listed(twoAtZero, "giftsNotDue"));
        Assert.Empty(Listed(threeAtZero, "gifts"));
        Assert.Equal([(first, 1)], Listed(threeAtZero, "giftsNotDue"));
        Assert.All(new[] { none, oneAtZero, onePriced, twoAtZero, threeAtZero }, evaluation =>
        {
            Assert.NotNull(evaluation.Applied(first));
            Assert.NotNull(evaluation.Applied(second));
            Assert.Equal(60m, evaluation.Total("grandTotal"));
        });
    }

    [Fact]
    public async Task Evaluate_OrderDiscountWithEqualRemaindersOfUnequalLines_TheCheaperGoodsGetTheLeftoverCent()
    {
        var product = PromotionsTestClient.UniqueProduct();
        await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "5 off from 50",
            ["currency"] = "EUR",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "items", ["filter"] = new JsonObject { ["productIds"] = new JsonArray(product) } }),
            ["action"] = new JsonObject { ["type"] = "tieredOrder", ["tiers"] = new JsonArray(new JsonObject { ["threshold"] = 50, ["amountOff"] = 5 }) },
        });

        // 5.00 over 0.05 / 37.58 / 12.41: exact 0.4996, 375.4996 and 124.0008 cents; a and b tie for the leftover cent,
        // which goes to the cheaper goods (a).
        var evaluation = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(
            ("c", $"{product}-c", 1, 12.41m, null), ("b", $"{product}-b", 1, 37.58m, null), ("a", product, 1, 0.05m, null)));

        var shares = evaluation["lines"]!.AsArray().ToDictionary(line => line!["id"]!.GetValue<string>(), line => line!["orderDiscountAllocation"]!.GetValue<decimal>());
        Assert.Equal(new Dictionary<string, decimal> { ["a"] = 0.01m, ["b"] = 3.75m, ["c"] = 1.24m }, shares);
    }

    /// <summary>Each applied promotion's amount, by promotion id.</summary>
    private static string AmountsByPromotion(JsonObject evaluation) => string.Join(", ", evaluation["applied"]!.AsArray()
        .Select(applied => $"{applied!["promotionId"]} {applied["amount"]}").Order(StringComparer.Ordinal));

    /// <summary>Every line of the cart in all these categories.</summary>
    private static JsonObject WithCategories(JsonObject cart, params string[] categories)
    {
        foreach (var line in cart["lines"]!.AsArray())
        {
            line!["categories"] = new JsonArray([.. categories.Select(category => (JsonNode)category)]);
        }

        return cart;
    }

    /// <summary>A free gift of a new product for carts of another new product whose items subtotal is at least 50.</summary>
    private async Task<(Guid Id, string Main, string Gift)> PublishGiftOverFiftyAsync(int quantity)
    {
        var main = PromotionsTestClient.UniqueProduct();
        var gift = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "a gift over 50",
            ["currency"] = "EUR",
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "items", ["filter"] = new JsonObject { ["productIds"] = new JsonArray(main) } },
                new JsonObject { ["type"] = "cartSubtotal", ["min"] = 50 }),
            ["action"] = new JsonObject { ["type"] = "freeGift", ["productId"] = gift, ["quantity"] = quantity },
        });
        return (id, main, gift);
    }

    [Fact]
    public async Task Evaluate_TieredOrderBelowTheLowestThreshold_IsConditionNotMet_WithTheThreshold()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "spend 100 get 10",
            ["currency"] = "EUR",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "items", ["filter"] = new JsonObject { ["productIds"] = new JsonArray(product) } }),
            ["action"] = new JsonObject
            {
                ["type"] = "tieredOrder",
                ["tiers"] = new JsonArray(new JsonObject { ["threshold"] = 100, ["amountOff"] = 10 }, new JsonObject { ["threshold"] = 200, ["amountOff"] = 30 }),
            },
        });

        var below = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 1, 99.99m, null)));
        var reached = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 1, 100m, null)));

        Assert.Equal("condition_not_met", below.RejectionReason(id));
        var detail = below["notApplied"]!.AsArray().Single(rejected => rejected!["promotionId"]!.GetValue<Guid>() == id)!["detail"]!.GetValue<string>();
        Assert.Contains("100", detail, StringComparison.Ordinal);
        Assert.Equal(10m, reached.Applied(id)!["amount"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Evaluate_PerCustomerLimitWithoutCustomerIdOrEmail_UsageLimitReached_DetailSaysWhatIsNeeded()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 10).With("perCustomerLimit", 1));

        var anonymous = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 1, 20m, null)));
        var known = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 1, 20m, null))
            .With("customer", new JsonObject { ["email"] = "someone@example.com" }));

        Assert.Equal("usage_limit_reached", anonymous.RejectionReason(id));
        var detail = anonymous["notApplied"]!.AsArray().Single(rejected => rejected!["promotionId"]!.GetValue<Guid>() == id)!["detail"]?.GetValue<string>();
        Assert.Contains("customer's id or email", detail, StringComparison.Ordinal);
        Assert.NotNull(known.Applied(id));
    }

    [Fact]
    public async Task Evaluate_UnknownCode_ReportedUnknown_NeverA500()
    {
        var evaluation = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", "p", 1, 10m, null)).With("codes", new JsonArray("NOPE-123")));

        Assert.Equal("unknown", evaluation["codes"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("NOPE-123", evaluation["codes"]![0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Evaluate_PromotionCutByItsOwnLimit_SaysWhichLimit_AndWhatItWouldHaveGiven()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var code = $"CAP{Guid.NewGuid():N}"[..16];
        // Buy 2 get 1 with neither percent nor amountOffPerUnit: the given unit is free (percent 100).
        var buyTwoGetOne = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "buy 2 get 1, twice at most",
            ["action"] = new JsonObject
            {
                ["type"] = "buyXGetY", ["buyQuantity"] = 2, ["getQuantity"] = 1, ["maxApplications"] = 2,
                ["buyFilter"] = new JsonObject { ["productIds"] = new JsonArray(product) },
            },
        });
        var tenUpToFifty = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "10 % up to 50", ["currency"] = "EUR", ["requiresCode"] = true, ["codes"] = new JsonArray(code),
            ["action"] = new JsonObject { ["type"] = "percentOffOrder", ["percent"] = 10, ["maxDiscount"] = 50 },
        });

        var nine = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 9, 10m, null)));
        var six = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 6, 10m, null)));
        var large = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", "tv", 1, 1000m, null)).With("codes", new JsonArray(code)));
        var small = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", "tv", 1, 300m, null)).With("codes", new JsonArray(code)));

        static (decimal, string?, decimal?) Limit(JsonObject applied) =>
            (applied["amount"]!.GetValue<decimal>(), applied["limitedBy"]?.GetValue<string>(), applied["uncappedAmount"]?.GetValue<decimal>());
        Assert.Equal((20m, "maxApplications", 30m), Limit(nine.Applied(buyTwoGetOne)!));
        Assert.Equal((20m, null, null), Limit(six.Applied(buyTwoGetOne)!)); // the cart allows exactly two: nothing cut
        Assert.Equal((50m, "maxDiscount", 100m), Limit(large.Applied(tenUpToFifty)!));
        Assert.Equal((30m, null, null), Limit(small.Applied(tenUpToFifty)!));
        var stored = (await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{buyTwoGetOne}", Ct))!["definition"]!["action"]!;
        Assert.Equal(100m, stored["percent"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Evaluate_EnteredCodeThatDoesNotApply_SaysWhichPromotionAndWhy()
    {
        var tierCode = $"TIER{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        var tiered = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "spend 100 get 10", ["currency"] = "EUR", ["requiresCode"] = true, ["codes"] = new JsonArray(tierCode),
            ["action"] = new JsonObject { ["type"] = "tieredOrder", ["tiers"] = new JsonArray(new JsonObject { ["threshold"] = 100, ["amountOff"] = 10 }) },
        });
        var shippingCodes = new[] { $"FS1{Guid.NewGuid():N}"[..16].ToUpperInvariant(), $"FS2{Guid.NewGuid():N}"[..16].ToUpperInvariant() };
        var freeShipping = new List<Guid>();
        foreach (var shippingCode in shippingCodes)
        {
            freeShipping.Add(await _admin.PublishAsync(new JsonObject
            {
                ["name"] = "free shipping", ["requiresCode"] = true, ["codes"] = new JsonArray(shippingCode), ["action"] = new JsonObject { ["type"] = "freeShipping" },
            }));
        }

        var evaluation = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", PromotionsTestClient.UniqueProduct(), 1, 50m, null))
            .With("codes", new JsonArray(tierCode, shippingCodes[0], shippingCodes[1])));

        var codes = evaluation["codes"]!.AsArray().ToDictionary(entry => entry!["code"]!.GetValue<string>(), entry => entry!.AsObject());
        var tier = codes[tierCode];
        Assert.Equal(("not_applied", tiered, "condition_not_met"),
            (tier["status"]!.GetValue<string>(), tier["promotionId"]!.GetValue<Guid>(), tier["reason"]!.GetValue<string>()));
        Assert.Contains("lowest tier's threshold 100", tier["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal([tiered], tier["promotionIds"]!.AsArray().Select(id => id!.GetValue<Guid>()));
        // Two free-shipping codes discount shipping once: the second in evaluation order (by id) has nothing left to discount.
        var (first, second) = freeShipping[0].CompareTo(freeShipping[1]) < 0 ? (0, 1) : (1, 0);
        Assert.Equal(("applied", freeShipping[first]), (codes[shippingCodes[first]]["status"]!.GetValue<string>(), codes[shippingCodes[first]]["promotionId"]!.GetValue<Guid>()));
        var unused = codes[shippingCodes[second]];
        Assert.Equal(("not_applied", freeShipping[second], "nothing_to_discount"),
            (unused["status"]!.GetValue<string>(), unused["promotionId"]!.GetValue<Guid>(), unused["reason"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(unused["detail"]!.GetValue<string>()));
    }

    public static TheoryData<string, string> BadCarts => new()
    {
        { """{"currency":"ZZZ","lines":[{"id":"a","productId":"p","quantity":1,"unitPrice":1}]}""", "currency" },
        { """{"currency":"EUR ","lines":[{"id":"a","productId":"p","quantity":1,"unitPrice":1}]}""", "currency" },
        { """{"currency":"EUR","lines":[]}""", "lines" },
        { """{"currency":"EUR"}""", "lines" },
        { """{"currency":"EUR","lines":[{"id":"a","productId":"p","quantity":1,"unitPrice":-1}]}""", "lines[0].unitPrice" },
        { """{"currency":"EUR","lines":[{"id":"a","productId":"p","quantity":-2,"unitPrice":1}]}""", "lines[0].quantity" },
        { """{"currency":"EUR","lines":[{"id":"a","productId":"p","quantity":0,"unitPrice":1}]}""", "lines[0].quantity" },
        { """{"currency":"EUR","lines":[{"id":"a","productId":"p","quantity":1,"unitPrice":1.005}]}""", "lines[0].unitPrice" },
        { """{"currency":"JPY","lines":[{"id":"a","productId":"p","quantity":1,"unitPrice":100.5}]}""", "lines[0].unitPrice" },
        { """{"currency":"EUR","lines":[{"id":"a","productId":"p","quantity":1,"unitPrice":1},{"id":"a","productId":"q","quantity":1,"unitPrice":1}]}""", "lines[1].id" },
        { """{"currency":"EUR","shipping":-4.9,"lines":[{"id":"a","productId":"p","quantity":1,"unitPrice":1}]}""", "shipping" },
        { """{"currency":"EUR","lines":[{"id":"a","productId":"","quantity":1,"unitPrice":1}]}""", "lines[0].productId" },
        { """{"currency":"EUR","visitorId":"   ","lines":[{"id":"a","productId":"p","quantity":1,"unitPrice":1}]}""", "visitorId" },
        { """{"currency":"EUR","customer":{"id":" \t "},"lines":[{"id":"a","productId":"p","quantity":1,"unitPrice":1}]}""", "customer" },
    };

    [Theory]
    [MemberData(nameof(BadCarts))]
    public async Task Evaluate_BadCart_Returns400NamingTheField(string body, string field)
    {
        var response = await _storefront.PostAsync("/api/promotions/evaluations", Json(body), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains($"\"{field}\"", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"currency":"EUR","lines":[{"id":"a","productId":"p","quantity":"two","unitPrice":1}]}""")]
    [InlineData("""{"currency":"EUR","lines":[{"id":"a","productId":"p","quantity":1.5,"unitPrice":1}]}""")]
    [InlineData("""{"currency":"EUR","touchpoint":"basket","lines":[{"id":"a","productId":"p","quantity":1,"unitPrice":1}]}""")]
    [InlineData("""{"currency":"EUR","lines":[{"id":"a",""")]
    [InlineData("""[]""")]
    public async Task Evaluate_MalformedJsonOrWrongTypes_Returns400(string body)
    {
        var response = await _storefront.PostAsync("/api/promotions/evaluations", Json(body), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Evaluate_TenThousandLines_Refused4xx()
    {
        var lines = new JsonArray([.. Enumerable.Range(0, 10_000).Select(index => (JsonNode)new JsonObject
        {
            ["id"] = $"l{index}", ["productId"] = "p", ["quantity"] = 1, ["unitPrice"] = 1,
        })]);
        var response = await _storefront.PostAsJsonAsync("/api/promotions/evaluations", new JsonObject { ["currency"] = "EUR", ["lines"] = lines }, Ct);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Evaluate_WithAdminOnlyOrPartnerToken_Authorized_StorefrontOrAdmin()
    {
        var cart = PromotionsTestClient.Cart(("l", "p", 1, 1m, null));

        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsJsonAsync("/api/promotions/evaluations", cart, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.CreatePartnerClient(Guid.NewGuid()).PostAsJsonAsync("/api/promotions/evaluations", cart, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateAnonymousClient().PostAsJsonAsync("/api/promotions/evaluations", cart, Ct)).StatusCode);
    }

    [Fact]
    public async Task DryRun_DraftAgainstSampleCart_ShowsItsEffect_WithoutPublishing()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var created = await (await _admin.PostAsJsonAsync("/api/promotions/definitions",
            new JsonObject { ["definition"] = PromotionsTestClient.PercentOffProduct(product, 40) }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var id = created["id"]!.GetValue<Guid>();
        var cart = PromotionsTestClient.Cart(("l", product, 1, 50m, null));

        var dryRun = await (await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/dry-run", cart, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var live = await _storefront.EvaluateAsync(cart);

        Assert.Equal(20m, dryRun.Applied(id)!["amount"]!.GetValue<decimal>());
        Assert.Null(dryRun["quote"]);
        Assert.Null(live.Applied(id));
    }

    [Fact]
    public async Task DryRun_WhileTheKillSwitchIsOn_ShowsTheDefinitionsEffect_AndSaysTheKillSwitchIsOn()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 40));
        var cart = PromotionsTestClient.Cart(("l", product, 1, 50m, null));
        var before = await (await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/dry-run", cart, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        JsonObject during;
        try
        {
            (await _admin.PutAsJsonAsync("/api/promotions/settings", new JsonObject { ["killSwitch"] = true, ["reason"] = "test" }, Ct)).EnsureSuccessStatusCode();
            Assert.Equal("kill_switch", (await _storefront.EvaluateAsync(cart)).RejectionReason(id));
            during = await (await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/dry-run", cart, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        }
        finally
        {
            (await _admin.PutAsJsonAsync("/api/promotions/settings", new JsonObject { ["killSwitch"] = false, ["reason"] = "test over" }, Ct)).EnsureSuccessStatusCode();
        }

        Assert.False(before["killSwitch"]!.GetValue<bool>());
        Assert.True(during["killSwitch"]!.GetValue<bool>());
        Assert.Equal(20m, during.Applied(id)!["amount"]!.GetValue<decimal>()); // the what-if of the definition
    }

    [Theory]
    [InlineData("productPage", "cart")]
    [InlineData("cart", "productPage")]
    public async Task Evaluate_AtATouchpointTheConditionExcludes_DetailNamesTheTouchpointAsTheApiSpellsIt(string at, string offeredAt)
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 10)
            .With("conditions", new JsonArray(new JsonObject { ["type"] = "touchpoint", ["touchpoints"] = new JsonArray(offeredAt) })));

        var evaluation = await _storefront.EvaluateAsync(PromotionsTestClient.Cart(("l", product, 1, 50m, null)).With("touchpoint", at));

        var rejected = evaluation["notApplied"]!.AsArray().Single(entry => entry!["promotionId"]!.GetValue<Guid>() == id)!;
        Assert.Equal(("condition_not_met", $"touchpoint: not offered at {at}"), (rejected["reason"]!.GetValue<string>(), rejected["detail"]!.GetValue<string>()));
    }

    /// <summary>
    /// A preview at the first or last hours .NET can represent judges a time window like any other time: the local day
    /// (and the day an overnight window started on) may lie outside year 1 … 9999 and is still the right weekday —
    /// 0001-01-01 is a Monday, so the day before it a Sunday; 9999-12-31 is a Friday, the day after it a Saturday.
    /// </summary>
    [Theory]
    [InlineData("0001-01-01T00:30:00Z", "UTC", "23:00", "01:00", "sunday", true)] // overnight: started the day before year 1
    [InlineData("0001-01-01T00:30:00Z", "UTC", "23:00", "01:00", "monday", false)]
    [InlineData("0001-01-01T00:00:00Z", "UTC", "00:00", "01:00", "monday", true)]
    [InlineData("0001-01-01T00:30:00Z", "Etc/GMT+11", "13:00", "14:00", "sunday", true)] // UTC−11: 13:30 on 31 Dec of year 0
    [InlineData("0001-01-01T00:30:00Z", "Etc/GMT+11", "13:00", "14:00", "monday", false)]
    [InlineData("0001-01-01T23:30:00Z", "Europe/Berlin", "22:00", "02:00", "monday", true)] // local 00:3x on Tuesday
    [InlineData("9999-12-31T23:30:00Z", "Pacific/Kiritimati", "13:00", "14:00", "saturday", true)] // local: 1 Jan of year 10000
    [InlineData("9999-12-31T23:30:00Z", "Pacific/Kiritimati", "13:00", "14:00", "friday", false)]
    [InlineData("9999-12-31T23:59:59Z", "UTC", "23:00", "01:00", "friday", true)]
    public async Task Preview_AtTheEdgesOfTheCalendar_JudgesTheTimeWindow_NeverA500(
        string at, string timeZone, string from, string to, string day, bool applies)
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 10).With("conditions", new JsonArray(new JsonObject
        {
            ["type"] = "timeWindow", ["timeZone"] = timeZone, ["days"] = new JsonArray(day), ["from"] = from, ["to"] = to,
        })));
        var cart = PromotionsTestClient.Cart(("l", product, 1, 50m, null)).With("at", at);

        var evaluation = await _storefront.EvaluateAsync(cart);
        var dryRun = await (await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/dry-run", cart, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.All(new[] { evaluation, dryRun }, answer => Assert.Equal(
            applies ? (true, null) : (false, "condition_not_met"), (answer.Applied(id) is not null, answer.RejectionReason(id))));
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
