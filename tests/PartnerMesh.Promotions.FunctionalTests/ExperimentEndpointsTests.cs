using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Promotions.FunctionalTests.PromotionsTestClient;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>
/// Experiments and staged rollouts over HTTP with a real PostgreSQL: sticky variants across touchpoints, exposures and
/// orders counted per variant, results with their tests, a winner promoted with one call, and rollouts that keep everyone
/// already in when raised.
/// </summary>
public sealed class ExperimentEndpointsTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Experiment_VariantsStickyAcrossTouchpoints_ExposuresAndOrdersCounted_WinnerPromoted()
    {
        var product = UniqueProduct();
        var ten = await _admin.PublishAsync(PercentOffProduct(product, 10m, "ten"));
        var twenty = await _admin.PublishAsync(PercentOffProduct(product, 20m, "twenty"));
        var experiment = await CreateAsync(new JsonObject
        {
            ["name"] = "ten or twenty",
            ["holdoutPercent"] = 20,
            ["variants"] = new JsonArray(Variant("ten", ten, 50), Variant("twenty", twenty, 50)),
        });
        await (await _admin.PostAsync($"/api/promotions/experiments/{experiment}/start", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var cart = Cart(("a", product, 1, 100m, null));
        var seen = new Dictionary<string, string>();
        for (var index = 0; index < 60; index++)
        {
            var visitor = $"visitor-{Guid.NewGuid():N}";
            var variants = new HashSet<string>();
            foreach (var touchpoint in new[] { "productPage", "cart", "checkout" })
            {
                var evaluation = await _storefront.EvaluateAsync(cart.With("visitorId", visitor).With("touchpoint", touchpoint));
                variants.Add(evaluation.Applied(ten) is not null ? "ten" : evaluation.Applied(twenty) is not null ? "twenty" : "holdout");
                Assert.False(evaluation.Applied(ten) is not null && evaluation.Applied(twenty) is not null);
            }

            seen[visitor] = Assert.Single(variants);
        }

        Assert.Equal(3, seen.Values.Distinct().Count());
        await Eventually.UntilAsync(async () => (await ResultsAsync(experiment))["variants"]!.AsArray().Sum(variant => variant!["exposures"]!.GetValue<long>()) == 60,
            because: "every visitor's first exposure is recorded once");

        var buyer = seen.First(pair => pair.Value == "twenty").Key;
        var checkout = await _storefront.EvaluateAsync(cart.With("visitorId", buyer).With("touchpoint", "checkout"));
        await OrderAsync(cart.With("visitorId", buyer), checkout);
        await OrderAsync(cart.With("visitorId", buyer), await _storefront.EvaluateAsync(cart.With("visitorId", buyer).With("touchpoint", "checkout")));

        var results = await ResultsAsync(experiment);
        Assert.Equal("holdout", results["baseline"]!.GetValue<string>());
        var winner = results["variants"]!.AsArray().Single(variant => variant!["variant"]!.GetValue<string>() == "twenty")!;
        Assert.Equal(seen.Count(pair => pair.Value == "twenty"), winner["exposures"]!.GetValue<long>());
        Assert.Equal(1, winner["conversions"]!.GetValue<long>()); // one visitor converted, twice
        Assert.Equal(2, winner["orders"]!.GetValue<long>());
        var euros = Assert.Single(winner["sales"]!.AsArray())!;
        Assert.Equal("EUR", euros["currency"]!.GetValue<string>());
        Assert.Equal(80m + 4.90m, euros["averageOrderValue"]!.GetValue<decimal>());
        Assert.Equal(40m, euros["promotionCost"]!.GetValue<decimal>());
        Assert.NotNull(winner["conversionVsBaseline"]);

        var promoted = await (await _admin.PostAsJsonAsync($"/api/promotions/experiments/{experiment}/winner", new JsonObject { ["variant"] = "twenty" }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal("completed", promoted["status"]!.GetValue<string>());
        var formerlyHoldout = seen.First(pair => pair.Value == "holdout").Key;
        var after = await _storefront.EvaluateAsync(cart.With("visitorId", formerlyHoldout));
        Assert.NotNull(after.Applied(twenty));
        Assert.Null(after.Applied(ten));
        var loser = await (await _admin.GetAsync($"/api/promotions/definitions/{ten}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal("ended", loser["status"]!.GetValue<string>());
        Assert.Equal(1, await CountOutboxAsync("experiment-status-changed", "completed"));
    }

    [Fact]
    public async Task PartnerScopedExperiment_OtherTrafficGetsNeitherVariant()
    {
        var product = UniqueProduct();
        var partner = Guid.NewGuid();
        await factory.QueryDbAsync(async db =>
        {
            db.Partners.Add(new PartnerMesh.PartnerDirectory.KnownPartner { Id = partner, Name = "scoped", Kind = "affiliate", RegisteredAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync(Ct);
        });
        var a = await _admin.PublishAsync(PercentOffProduct(product, 10m));
        var b = await _admin.PublishAsync(PercentOffProduct(product, 15m));
        var experiment = await CreateAsync(new JsonObject
        {
            ["name"] = "partner test",
            ["partnerId"] = partner,
            ["variants"] = new JsonArray(Variant("a", a, 50), Variant("b", b, 50)),
        });
        await (await _admin.PostAsync($"/api/promotions/experiments/{experiment}/start", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var cart = Cart(("a", product, 1, 100m, null)).With("visitorId", "v-partner-scope");

        var elsewhere = await _storefront.EvaluateAsync(cart);
        var theirs = await _storefront.EvaluateAsync(cart.With("partnerId", partner));

        Assert.Equal("not_in_experiment", elsewhere.RejectionReason(a));
        Assert.Equal("not_in_experiment", elsewhere.RejectionReason(b));
        Assert.True(theirs.Applied(a) is not null ^ theirs.Applied(b) is not null);
    }

    [Theory]
    [InlineData(60, 30, 0, "variants")]
    [InlineData(50, 50, 100, "holdoutPercent")]
    [InlineData(50, 50, -1, "holdoutPercent")]
    public async Task Create_BadWeightsOrHoldout_Returns400(int first, int second, int holdout, string field)
    {
        var body = new JsonObject
        {
            ["name"] = "bad",
            ["holdoutPercent"] = holdout,
            ["variants"] = new JsonArray(Variant("a", Guid.NewGuid(), first), Variant("b", Guid.NewGuid(), second)),
        };

        var problem = await (await _admin.PostAsJsonAsync("/api/promotions/experiments", body, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains($"\"{field}\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UnknownPromotionOrPartner_Returns422_AndNothingIsStored()
    {
        var known = await _admin.PublishAsync(PercentOffProduct(UniqueProduct(), 10m));
        var before = await factory.QueryDbAsync(db => db.Experiments.CountAsync(Ct));

        await (await _admin.PostAsJsonAsync("/api/promotions/experiments", new JsonObject
        {
            ["name"] = "x", ["variants"] = new JsonArray(Variant("a", known, 50), Variant("b", Guid.NewGuid(), 50)),
        }, Ct)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await _admin.PostAsJsonAsync("/api/promotions/experiments", new JsonObject
        {
            ["name"] = "x", ["partnerId"] = Guid.NewGuid(), ["variants"] = new JsonArray(Variant("a", known, 50), Variant("control", null, 50)),
        }, Ct)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal(before, await factory.QueryDbAsync(db => db.Experiments.CountAsync(Ct)));
    }

    [Fact]
    public async Task Start_OnAnEndedPromotion_Returns409()
    {
        var promotion = await _admin.PublishAsync(PercentOffProduct(UniqueProduct(), 10m));
        var experiment = await CreateAsync(new JsonObject
        {
            ["name"] = "late", ["variants"] = new JsonArray(Variant("a", promotion, 50), Variant("control", null, 50)),
        });
        await (await _admin.PostAsJsonAsync($"/api/promotions/definitions/{promotion}/end", new JsonObject { ["reason"] = "test" }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        await (await _admin.PostAsync($"/api/promotions/experiments/{experiment}/start", null, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Start_TwoExperimentsSharingAPromotionAtOnce_ExactlyOneRuns_TheOther409()
    {
        for (var trial = 0; trial < 5; trial++)
        {
            var product = UniqueProduct();
            var shared = await _admin.PublishAsync(PercentOffProduct(product, 10m, "shared"));
            var first = await CreateAsync(new JsonObject
            {
                ["name"] = "first", ["variants"] = new JsonArray(Variant("a", shared, 50), Variant("b", await _admin.PublishAsync(PercentOffProduct(product, 20m)), 50)),
            });
            var second = await CreateAsync(new JsonObject
            {
                ["name"] = "second", ["variants"] = new JsonArray(Variant("a", shared, 50), Variant("b", await _admin.PublishAsync(PercentOffProduct(product, 30m)), 50)),
            });

            var started = await Task.WhenAll(
                _admin.PostAsync($"/api/promotions/experiments/{first}/start", null, Ct),
                _admin.PostAsync($"/api/promotions/experiments/{second}/start", null, Ct));

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], started.Select(response => response.StatusCode).Order());
            await started.Single(response => response.StatusCode == HttpStatusCode.Conflict).ShouldBeProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal(1, await factory.QueryDbAsync(db => db.Experiments.CountAsync(experiment =>
                (experiment.Id == first || experiment.Id == second) && experiment.Status == "running", Ct)));
        }
    }

    [Fact]
    public async Task Create_WithIdempotencyKey_RetryReturnsTheSameExperiment_DifferentRequest409_InvalidKey400()
    {
        var promotion = await _admin.PublishAsync(PercentOffProduct(UniqueProduct(), 10m));
        var body = new JsonObject { ["name"] = "once", ["variants"] = new JsonArray(Variant("a", promotion, 50), Variant("control", null, 50)) };
        var key = Guid.NewGuid().ToString("N");

        var first = await SendWithKeyAsync(body, key, HttpStatusCode.Created);
        var second = await SendWithKeyAsync(body, key, HttpStatusCode.OK);
        using var other = new HttpRequestMessage(HttpMethod.Post, "/api/promotions/experiments") { Content = JsonContent.Create(body.With("name", "another")) };
        other.Headers.Add("Idempotency-Key", key);
        using var invalid = new HttpRequestMessage(HttpMethod.Post, "/api/promotions/experiments") { Content = JsonContent.Create(body) };
        invalid.Headers.Add("Idempotency-Key", new string('k', 101));

        Assert.Equal(first, second);
        Assert.Equal(IdempotencyKeys.ReusedReason, (await (await _admin.SendAsync(other, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]?.ToString());
        await (await _admin.SendAsync(invalid, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Experiments.CountAsync(experiment => experiment.IdempotencyKey == key, Ct)));
    }

    [Fact]
    public async Task List_PagesWithAfterCursor_NoExperimentTwice()
    {
        var promotion = await _admin.PublishAsync(PercentOffProduct(UniqueProduct(), 10m));
        for (var index = 0; index < 3; index++)
        {
            await CreateAsync(new JsonObject { ["name"] = $"page {index}", ["variants"] = new JsonArray(Variant("a", promotion, 50), Variant("control", null, 50)) });
        }

        var seen = new List<Guid>();
        string? after = null;
        do
        {
            var page = await (await _admin.GetAsync($"/api/promotions/experiments?limit=2{(after is null ? "" : $"&after={after}")}", Ct))
                .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
            Assert.True(page["items"]!.AsArray().Count <= 2);
            seen.AddRange(page["items"]!.AsArray().Select(item => item!["id"]!.GetValue<Guid>()));
            after = page["nextCursor"]?.GetValue<string>();
        }
        while (after is not null);

        Assert.True(seen.Count >= 3);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(seen.OrderBy(id => id.ToString(), StringComparer.Ordinal), seen); // by (time-ordered) id, oldest first
        await (await _admin.GetAsync("/api/promotions/experiments?after=nope", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.GetAsync("/api/promotions/experiments?limit=0", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Rollout_ShopperWhoSignsInAtCheckout_KeepsTheProductPageAssignment()
    {
        var product = UniqueProduct();
        var promotion = await _admin.PublishAsync(PercentOffProduct(product, 10m).With("rolloutPercent", 50));
        var cart = Cart(("a", product, 1, 100m, null));
        var visitors = Enumerable.Range(0, 40).Select(index => $"login-{Guid.NewGuid():N}").ToList();

        foreach (var visitor in visitors)
        {
            var anonymous = await _storefront.EvaluateAsync(cart.With("visitorId", visitor).With("touchpoint", "productPage"));
            var signedIn = await _storefront.EvaluateAsync(cart.With("visitorId", visitor).With("touchpoint", "cart")
                .With("customer", new JsonObject { ["id"] = $"customer-{Guid.NewGuid():N}" }));

            Assert.Equal(anonymous.Applied(promotion) is not null, signedIn.Applied(promotion) is not null);
        }
    }

    [Fact]
    public async Task Rollout_VisitorIdWithSurroundingSpaces_IsTheSameVisitor()
    {
        var product = UniqueProduct();
        var promotion = await _admin.PublishAsync(PercentOffProduct(product, 10m).With("rolloutPercent", 50));
        var cart = Cart(("a", product, 1, 100m, null)).With("touchpoint", "cart");

        foreach (var visitor in Enumerable.Range(0, 30).Select(index => $"padded-{Guid.NewGuid():N}"))
        {
            var exact = await _storefront.EvaluateAsync(cart.With("visitorId", visitor));
            var padded = await _storefront.EvaluateAsync(cart.With("visitorId", $"  {visitor} "));

            Assert.Equal(exact.Applied(promotion) is not null, padded.Applied(promotion) is not null);
        }
    }

    [Fact]
    public async Task Rollout_RaisedFrom10To50_KeepsEveryVisitorWhoWasIn_AndIsPublished()
    {
        var product = UniqueProduct();
        var promotion = await _admin.PublishAsync(PercentOffProduct(product, 10m).With("rolloutPercent", 10));
        var cart = Cart(("a", product, 1, 100m, null));
        var visitors = Enumerable.Range(0, 200).Select(index => $"rollout-{index}").ToList();
        async Task<HashSet<string>> InAsync() =>
            [.. (await Task.WhenAll(visitors.Select(async visitor => (visitor, (await _storefront.EvaluateAsync(cart.With("visitorId", visitor))).Applied(promotion) is not null))))
                .Where(result => result.Item2).Select(result => result.visitor)];

        var atTen = await InAsync();
        var raised = await (await _admin.PutAsJsonAsync($"/api/promotions/definitions/{promotion}/rollout", new JsonObject { ["percent"] = 50, ["reason"] = "healthy" }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var atFifty = await InAsync();

        Assert.Subset(atFifty, atTen);
        Assert.True(atFifty.Count > atTen.Count);
        Assert.Equal(raised["liveVersion"]!.GetValue<int>(), raised["latestVersion"]!.GetValue<int>());
        Assert.Equal(1, await CountOutboxAsync("promotion-rollout-changed", promotion.ToString()));
        await (await _admin.PutAsJsonAsync($"/api/promotions/definitions/{promotion}/rollout", new JsonObject { ["percent"] = 101 }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Orders_PlacedRightAfterTheFirstExposure_EveryOneCounted_ExposuresCountedOnce()
    {
        var product = UniqueProduct();
        var ten = await _admin.PublishAsync(PercentOffProduct(product, 10m, "ten"));
        var experiment = await CreateAsync(new JsonObject
        {
            ["name"] = "order races exposure",
            ["variants"] = new JsonArray(Variant("ten", ten, 50), Variant("control", null, 50)),
        });
        await (await _admin.PostAsync($"/api/promotions/experiments/{experiment}/start", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var cart = Cart(("a", product, 1, 100m, null));
        const int Visitors = 20;

        // Exposures are written off the request path: each order follows its checkout at once, before they may be.
        await Task.WhenAll(Enumerable.Range(0, Visitors).Select(async _ =>
        {
            var visitor = cart.With("visitorId", $"race-{Guid.NewGuid():N}");
            await OrderAsync(visitor, await _storefront.EvaluateAsync(visitor.With("touchpoint", "checkout")));
        }));

        var rows = (await ResultsAsync(experiment))["variants"]!.AsArray();
        Assert.Equal(Visitors, rows.Sum(row => row!["orders"]!.GetValue<long>()));
        Assert.Equal(Visitors, rows.Sum(row => row!["conversions"]!.GetValue<long>()));
        await Eventually.UntilAsync(async () => await factory.QueryDbAsync(db => db.Database.SqlQuery<int>(
                $"SELECT count(*)::int AS \"Value\" FROM experiment_exposures WHERE experiment_id = {experiment}").SingleAsync(Ct)) == Visitors,
            because: "the queued exposures are written too");
        // A row is counted in the transaction that inserts it, so with every row in, a second writer counted nothing twice.
        Assert.Equal(Visitors, (await ResultsAsync(experiment))["variants"]!.AsArray().Sum(row => row!["exposures"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Stop_WithoutAWinner_NoVisitorGetsAnyArm_RestartGivesEachItsOwnAgain()
    {
        var product = UniqueProduct();
        var ten = await _admin.PublishAsync(PercentOffProduct(product, 10m, "ten"));
        var twenty = await _admin.PublishAsync(PercentOffProduct(product, 20m, "twenty"));
        var experiment = await CreateAsync(new JsonObject
        {
            ["name"] = "stopped arms",
            ["holdoutPercent"] = 10,
            ["variants"] = new JsonArray(Variant("ten", ten, 50), Variant("twenty", twenty, 50)),
        });
        await (await _admin.PostAsync($"/api/promotions/experiments/{experiment}/start", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var visitors = Enumerable.Range(0, 10).Select(_ => Cart(("a", product, 1, 100m, null)).With("visitorId", $"stop-{Guid.NewGuid():N}")).ToList();
        var quoted = (await Task.WhenAll(visitors.Select(cart => _storefront.EvaluateAsync(cart.With("touchpoint", "checkout")))))
            .Zip(visitors).First(pair => pair.First.Total("discountTotal") > 0);

        var stopped = await (await _admin.PostAsync($"/api/promotions/experiments/{experiment}/stop", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal("stopped", stopped["status"]!.GetValue<string>());
        foreach (var cart in visitors)
        {
            var evaluation = await _storefront.EvaluateAsync(cart);
            Assert.Equal(("experiment_stopped", "experiment_stopped"), (evaluation.RejectionReason(ten), evaluation.RejectionReason(twenty)));
            Assert.Equal(0m, evaluation.Total("discountTotal"));
        }

        // A quote of an arm taken before the stop is stale at its order, as a paused promotion's is.
        var order = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", new JsonObject
        {
            ["orderId"] = $"order-{Guid.NewGuid():N}",
            ["quote"] = quoted.First["quote"]!.DeepClone(),
            ["order"] = quoted.Second.With("touchpoint", "checkout"),
            ["chargedGrandTotal"] = quoted.First.Total("grandTotal"),
            ["chargedDiscountTotal"] = quoted.First.Total("discountTotal"),
        }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(("mismatch", "promotion_not_live"), (order["outcome"]!.GetValue<string>(), order["mismatchReason"]!.GetValue<string>()));

        await (await _admin.PostAsync($"/api/promotions/experiments/{experiment}/start", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var restarted = await Task.WhenAll(visitors.Select(cart => _storefront.EvaluateAsync(cart)));
        Assert.All(restarted, evaluation => Assert.False(evaluation.Applied(ten) is not null && evaluation.Applied(twenty) is not null));
        Assert.Contains(restarted, evaluation => evaluation.Applied(ten) is not null || evaluation.Applied(twenty) is not null);
    }

    [Fact]
    public async Task Results_WithoutAHoldout_CompareTreatmentsWithTheControlVariant_WhereverItIsListed()
    {
        var product = UniqueProduct();
        var ten = await _admin.PublishAsync(PercentOffProduct(product, 10m, "ten"));
        var experiment = await CreateAsync(new JsonObject
        {
            ["name"] = "ten against control",
            ["variants"] = new JsonArray(Variant("ten", ten, 50), Variant("control", null, 50)),
        });

        var results = await ResultsAsync(experiment);

        Assert.Equal("control", results["baseline"]!.GetValue<string>());
        var rows = results["variants"]!.AsArray();
        Assert.Null(rows.Single(row => row!["variant"]!.GetValue<string>() == "control")!["conversionVsBaseline"]);
    }

    [Fact]
    public async Task Results_ExposuresButNoConversionsInEitherArm_ConversionTestIsUndefined_Null()
    {
        var product = UniqueProduct();
        var ten = await _admin.PublishAsync(PercentOffProduct(product, 10m, "ten"));
        var experiment = await CreateAsync(new JsonObject
        {
            ["name"] = "nobody buys",
            ["variants"] = new JsonArray(Variant("ten", ten, 50), Variant("control", null, 50)),
        });
        await (await _admin.PostAsync($"/api/promotions/experiments/{experiment}/start", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var cart = Cart(("a", product, 1, 100m, null));
        for (var index = 0; index < 30; index++)
        {
            await _storefront.EvaluateAsync(cart.With("visitorId", $"browser-{Guid.NewGuid():N}"));
        }

        await Eventually.UntilAsync(async () => (await ResultsAsync(experiment))["variants"]!.AsArray().All(variant => variant!["exposures"]!.GetValue<long>() > 0),
            because: "both arms have exposed visitors");

        var treatment = (await ResultsAsync(experiment))["variants"]!.AsArray().Single(variant => variant!["variant"]!.GetValue<string>() == "ten")!;
        Assert.Equal(0, treatment["conversions"]!.GetValue<long>());
        Assert.Null(treatment["conversionVsBaseline"]);
        Assert.Empty(treatment["sales"]!.AsArray()); // no orders: no money in any currency, no AOV test
    }

    [Fact]
    public async Task Results_OrdersInSeveralCurrencies_MoneyReportedPerCurrency_NeverSummedAcross()
    {
        // A promotion without a currency (10 % off) applies to carts in any currency, so one arm's orders come in several.
        var source = $"utm-{Guid.NewGuid():N}";
        var tenPercent = await _admin.PublishAsync(new JsonObject
        {
            ["name"] = "ten percent, any currency",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "trafficSource", ["utmSources"] = new JsonArray(source) }),
            ["action"] = new JsonObject { ["type"] = "percentOffOrder", ["percent"] = 10m },
        });
        var experiment = await CreateAsync(new JsonObject
        {
            ["name"] = "currencies",
            ["variants"] = new JsonArray(Variant("ten", tenPercent, 50), Variant("control", null, 50)),
        });
        await (await _admin.PostAsync($"/api/promotions/experiments/{experiment}/start", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        JsonObject CartIn(string visitor, string currency, decimal price) => Cart(("a", UniqueProduct(), 1, price, null))
            .With("currency", currency).With("shipping", 0).With("utmSource", source).With("visitorId", visitor);
        string? treated = null, control = null;
        while (treated is null || control is null)
        {
            var visitor = $"visitor-{Guid.NewGuid():N}";
            if ((await _storefront.EvaluateAsync(CartIn(visitor, "EUR", 1m))).Applied(tenPercent) is null)
            {
                control ??= visitor;
            }
            else
            {
                treated ??= visitor;
            }
        }

        foreach (var (visitor, currency, price) in new[]
                 {
                     (treated, "EUR", 100m), (treated, "EUR", 50m), (treated, "JPY", 10_000m), (treated, "KWD", 1.005m),
                     (control, "EUR", 100m), (control, "EUR", 60m),
                 })
        {
            var cart = CartIn(visitor, currency, price);
            await OrderAsync(cart, await _storefront.EvaluateAsync(cart.With("touchpoint", "checkout")));
        }

        var rows = (await ResultsAsync(experiment))["variants"]!.AsArray();
        var ten = rows.Single(row => row!["variant"]!.GetValue<string>() == "ten")!;
        Assert.Equal(4, ten["orders"]!.GetValue<long>());
        Assert.Equal(1, ten["conversions"]!.GetValue<long>());
        Assert.Null(ten["revenue"]); // no money figure across currencies
        Assert.Null(ten["averageOrderValue"]);
        var exposures = ten["exposures"]!.GetValue<long>();
        var sales = ten["sales"]!.AsArray();
        Assert.Equal(["EUR", "JPY", "KWD"], sales.Select(row => row!["currency"]!.GetValue<string>()));
        AssertSales(sales[0]!, orders: 2, revenue: 135.00m, averageOrderValue: 67.50m, promotionCost: 15.00m, decimal.Round(135m / exposures, 2));
        AssertSales(sales[1]!, orders: 1, revenue: 9000m, averageOrderValue: 9000m, promotionCost: 1000m, decimal.Round(9000m / exposures, 0, MidpointRounding.AwayFromZero));
        AssertSales(sales[2]!, orders: 1, revenue: 0.904m, averageOrderValue: 0.904m, promotionCost: 0.101m, decimal.Round(0.904m / exposures, 3, MidpointRounding.AwayFromZero));

        // Welch's t-test compares each currency with the baseline's orders in the same currency: EUR 90, 45 against 100, 60.
        var euroTest = sales[0]!["averageOrderValueVsBaseline"]!;
        Assert.Equal(67.5 - 80.0, euroTest["difference"]!.GetValue<double>(), 9);
        Assert.Null(sales[1]!["averageOrderValueVsBaseline"]); // the baseline has no yen orders
        var baseline = rows.Single(row => row!["variant"]!.GetValue<string>() == "control")!;
        var baselineEuro = baseline["sales"]!.AsArray().Single(row => row!["currency"]!.GetValue<string>() == "EUR")!;
        Assert.Equal(160.00m, baselineEuro["revenue"]!.GetValue<decimal>());
        Assert.Equal(80.00m, baselineEuro["averageOrderValue"]!.GetValue<decimal>());
        Assert.Equal(0, baseline["sales"]!.AsArray().Single(row => row!["currency"]!.GetValue<string>() == "KWD")!["orders"]!.GetValue<long>());
    }

    private static void AssertSales(JsonNode row, long orders, decimal revenue, decimal averageOrderValue, decimal promotionCost, decimal revenuePerVisitor)
    {
        Assert.Equal(orders, row["orders"]!.GetValue<long>());
        Assert.Equal(revenue, row["revenue"]!.GetValue<decimal>());
        Assert.Equal(averageOrderValue, row["averageOrderValue"]!.GetValue<decimal>());
        Assert.Equal(promotionCost, row["promotionCost"]!.GetValue<decimal>());
        Assert.Equal(revenuePerVisitor, row["revenuePerVisitor"]!.GetValue<decimal>());
    }

    private static JsonObject Variant(string key, Guid? promotion, int weight) => new() { ["key"] = key, ["promotionId"] = promotion, ["weight"] = weight };

    private async Task<Guid> CreateAsync(JsonObject body) =>
        (await (await _admin.PostAsJsonAsync("/api/promotions/experiments", body, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<Guid>();

    private async Task<Guid> SendWithKeyAsync(JsonObject body, string key, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/promotions/experiments") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return (await (await _admin.SendAsync(request, Ct)).ShouldBeAsync<JsonObject>(expected))["id"]!.GetValue<Guid>();
    }

    private async Task<JsonObject> ResultsAsync(Guid experiment) =>
        await (await _admin.GetAsync($"/api/promotions/experiments/{experiment}/results", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

    private async Task OrderAsync(JsonObject cart, JsonObject checkout) =>
        await (await _storefront.PostAsJsonAsync("/api/promotions/orders", new JsonObject
        {
            ["orderId"] = $"order-{Guid.NewGuid():N}",
            ["quote"] = checkout["quote"]!.DeepClone(),
            ["order"] = cart.With("touchpoint", "checkout"),
            ["chargedGrandTotal"] = checkout.Total("grandTotal"),
            ["chargedDiscountTotal"] = checkout.Total("discountTotal"),
        }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

    private Task<int> CountOutboxAsync(string urnPart, string contains) =>
        factory.QueryDbAsync(async db => (await db.Set<PartnerMesh.Outbox.OutboxMessage>().Where(message => message.MessageUrn.Contains(urnPart))
            .Select(message => message.Payload).ToListAsync(Ct)).Count(payload => payload.Contains(contains, StringComparison.Ordinal)));
}
