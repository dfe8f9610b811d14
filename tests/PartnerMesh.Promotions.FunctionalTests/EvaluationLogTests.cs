using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PartnerMesh.Promotions.Api;
using PartnerMesh.Promotions.Api.EvaluationLog;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Promotions.FunctionalTests.PromotionsTestClient;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>Every evaluation and verification logged (sample rate 1).</summary>
public sealed class FullEvaluationLogFactory : PromotionsApiFactory
{
    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureTestSettings(settings);
        settings["Promotions:EvaluationLog:SampleRate"] = "1";
    }
}

/// <summary>No ordinary evaluation logged (sample rate 0): only mismatches and errors.</summary>
public sealed class NoSampledEvaluationLogFactory : PromotionsApiFactory
{
    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureTestSettings(settings);
        settings["Promotions:EvaluationLog:SampleRate"] = "0";
    }
}

/// <summary>
/// The application log of evaluations over HTTP with a real PostgreSQL: each search key finds what it should (order id,
/// quote id, visitor, promotion), with what applied and why others did not; paging; retention.
/// </summary>
public sealed class EvaluationLogTests(FullEvaluationLogFactory factory) : IClassFixture<FullEvaluationLogFactory>
{
    private const string Log = "/api/promotions/evaluation-log";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task SampleRateOne_EvaluationAndOrder_FoundByEachSearchKey_WithWhatAppliedAndWhy()
    {
        var product = UniqueProduct();
        var applies = await _admin.PublishAsync(PercentOffProduct(product, 10m, "ten off"));
        var tooSmall = await _admin.PublishAsync(PercentOffProduct(product, 50m, "half off big carts").With("currency", "EUR").With("conditions",
            new JsonArray(new JsonObject { ["type"] = "cartSubtotal", ["min"] = 1000 })));
        var visitor = $"log-{Guid.NewGuid():N}";
        var cart = Cart(("a", product, 1, 100m, null)).With("visitorId", visitor);
        var checkout = await _storefront.EvaluateAsync(cart.With("touchpoint", "checkout"));
        var quote = checkout["quote"]!["id"]!.GetValue<Guid>();
        var orderId = $"order-{Guid.NewGuid():N}";
        await (await _storefront.PostAsJsonAsync("/api/promotions/orders", new JsonObject
        {
            ["orderId"] = orderId,
            ["quote"] = checkout["quote"]!.DeepClone(),
            ["order"] = cart.With("touchpoint", "checkout"),
            ["chargedGrandTotal"] = checkout.Total("grandTotal"),
            ["chargedDiscountTotal"] = checkout.Total("discountTotal"),
        }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var byOrder = await Eventually.GetAsync(async () => (await SearchAsync($"orderId={orderId}")) is { Count: 1 } items ? items : null,
            because: "the verification is written by the background writer");
        var byQuote = await Eventually.GetAsync(async () => (await SearchAsync($"quoteId={quote}")) is { Count: 2 } items ? items : null);
        var byVisitor = await SearchAsync($"visitorId={visitor}");
        var byPromotion = await SearchAsync($"promotionId={tooSmall}");

        Assert.Equal("order_verification", byOrder[0]["kind"]!.GetValue<string>());
        Assert.Equal("honoured", byOrder[0]["outcome"]!.GetValue<string>());
        Assert.Equal(["order_verification", "evaluation"], byQuote.Select(item => item["kind"]!.GetValue<string>()));
        Assert.Equal(2, byVisitor.Count);
        var evaluation = Assert.Single(byPromotion);
        Assert.Equal(quote, evaluation["quoteId"]!.GetValue<Guid>());
        Assert.Equal("checkout", evaluation["touchpoint"]!.GetValue<string>());
        var summary = evaluation["summary"]!;
        Assert.Equal(applies, summary["applied"]![0]!["promotionId"]!.GetValue<Guid>());
        Assert.Equal(10m, summary["applied"]![0]!["amount"]!.GetValue<decimal>());
        Assert.Equal("condition_not_met", summary["notApplied"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal(product, summary["request"]!["lines"]![0]!["productId"]!.GetValue<string>());
        Assert.Empty(await SearchAsync($"orderId={orderId}&outcome=mismatch"));
        Assert.Empty(await SearchAsync($"visitorId={visitor}&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"))}"));
    }

    /// <summary>
    /// One rule on every path: the verification's log row and its <c>OrderPromotionsVerified</c> name the promotions the
    /// quote applied (what the storefront was told to charge) and, separately, those due at order time — so a promotion
    /// paused, ended or cut back since the quote finds, by its id, the orders its change turned into mismatches, and an
    /// order charged its 10.00 off counts as a promotion order whichever path verified it.
    /// </summary>
    [Theory]
    [InlineData("pause", false, "mismatch", "promotion_not_live", false)]
    [InlineData("end", false, "mismatch", "promotion_not_live", false)]
    [InlineData("rollout", false, "mismatch", "promotion_not_live", false)]
    [InlineData("expireAndPause", false, "mismatch", "expired_quote_differs", false)]
    [InlineData("expire", false, "requoted", null, true)]
    [InlineData("none", true, "mismatch", "charged_differs", true)]
    public async Task Order_WhateverThePath_LogRowAndEventNameTheQuotedPromotions_AndThoseDue(
        string change, bool chargedFullPrice, string outcome, string? reason, bool stillDue)
    {
        var product = UniqueProduct();
        var id = await _admin.PublishAsync(PercentOffProduct(product, 10m));
        var cart = Cart(("a", product, 1, 100m, null)).With("touchpoint", "checkout").With("visitorId", $"paths-{Guid.NewGuid():N}");
        var checkout = await _storefront.EvaluateAsync(cart);
        var quote = checkout["quote"]!.DeepClone();
        if (change.StartsWith("expire", StringComparison.Ordinal))
        {
            quote = Expired(quote);
        }

        var because = new JsonObject { ["reason"] = "incident" };
        var changed = change switch
        {
            "pause" or "expireAndPause" => await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/pause", because, Ct),
            "end" => await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/end", because, Ct),
            "rollout" => await _admin.PutAsJsonAsync($"/api/promotions/definitions/{id}/rollout", because.With("percent", 0), Ct),
            _ => null,
        };
        changed?.EnsureSuccessStatusCode();
        var orderId = $"order-{Guid.NewGuid():N}";

        var verified = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", new JsonObject
        {
            ["orderId"] = orderId,
            ["quote"] = quote,
            ["order"] = cart,
            ["chargedGrandTotal"] = chargedFullPrice ? checkout.Total("itemsSubtotal") + checkout.Total("shipping") : checkout.Total("grandTotal"),
            ["chargedDiscountTotal"] = chargedFullPrice ? 0m : checkout.Total("discountTotal"),
        }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal((outcome, reason), (verified["outcome"]!.GetValue<string>(), verified["mismatchReason"]?.GetValue<string>()));
        var logged = await Eventually.GetAsync(async () => (await SearchAsync($"promotionId={id}&orderId={orderId}")).SingleOrDefault(),
            because: "the row names the quoted promotion, whatever the outcome");
        Assert.Equal([id], logged!["promotionIds"]!.AsArray().Select(promotion => promotion!.GetValue<Guid>()));
        Assert.Equal([id], logged["summary"]!["quoted"]!.AsArray().Select(promotion => promotion!["promotionId"]!.GetValue<Guid>()));
        Assert.Equal(stillDue ? [id] : [], logged["summary"]!["expected"]!.AsArray().Select(promotion => promotion!["promotionId"]!.GetValue<Guid>()));

        var published = JsonNode.Parse((await factory.QueryDbAsync(db => db.Set<PartnerMesh.Outbox.OutboxMessage>()
            .Where(message => message.MessageUrn.Contains("order-promotions-verified")).Select(message => message.Payload).ToListAsync(Ct)))
            .Single(payload => payload.Contains(orderId, StringComparison.Ordinal)))!;
        Assert.Equal([(id, 10m)], published["promotions"]!.AsArray().Select(promotion => (promotion!["promotionId"]!.GetValue<Guid>(), promotion["amount"]!.GetValue<decimal>())));
        Assert.Equal(stillDue ? [id] : [], published["expectedPromotions"]!.AsArray().Select(promotion => promotion!["promotionId"]!.GetValue<Guid>()));
    }

    [Fact]
    public async Task Search_IsCursorPagedNewestFirst()
    {
        var visitor = $"page-{Guid.NewGuid():N}";
        var cart = Cart(("a", UniqueProduct(), 1, 10m, null)).With("visitorId", visitor);
        for (var index = 0; index < 3; index++)
        {
            await _storefront.EvaluateAsync(cart);
        }

        var all = await Eventually.GetAsync(async () => (await SearchAsync($"visitorId={visitor}")) is { Count: 3 } items ? items : null);
        var first = await (await _admin.GetAsync($"{Log}?visitorId={visitor}&limit=2", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var second = await (await _admin.GetAsync($"{Log}?visitorId={visitor}&limit=2&cursor={first["nextCursor"]!.GetValue<string>()}", Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var paged = first["items"]!.AsArray().Concat(second["items"]!.AsArray()).Select(item => item!["id"]!.GetValue<Guid>()).ToList();
        Assert.Equal(all.Select(item => item["id"]!.GetValue<Guid>()), paged);
        Assert.Equal(paged.OrderDescending(), paged);
        Assert.Null(second["nextCursor"]);
    }

    [Theory]
    [InlineData("cursor=nope")]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("quoteId=not-a-guid")]
    [InlineData("from=2026-12-05T10:00:00Z&to=2026-12-05T09:00:00Z")]
    [InlineData("orderId=")]
    public async Task Search_BadQuery_Returns400Problem(string query) =>
        await (await _admin.GetAsync($"{Log}?{query}", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

    [Fact]
    public async Task Retention_SweepDeletesOnlyRowsOlderThanRetentionDays()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2027, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var old = Entry(time.GetUtcNow().AddDays(-8));
        var recent = Entry(time.GetUtcNow().AddDays(-6));
        await factory.QueryDbAsync(async db =>
        {
            db.EvaluationLog.AddRange(old, recent);
            return await db.SaveChangesAsync(Ct);
        });
        var options = Options.Create(new PromotionsOptions { QuoteSigningKey = factory.QuoteSigningKey, EvaluationLog = new EvaluationLogOptions { RetentionDays = 7 } });
        var sweeper = new EvaluationLogSweeper(factory.Services.GetRequiredService<IServiceScopeFactory>(), options, time, NullLogger<EvaluationLogSweeper>.Instance);

        var deleted = await sweeper.SweepAsync(Ct);

        Assert.True(deleted >= 1);
        var left = await factory.QueryDbAsync(db => db.EvaluationLog.Where(entry => entry.Id == old.Id || entry.Id == recent.Id).Select(entry => entry.Id).ToListAsync(Ct));
        Assert.Equal([recent.Id], left);
        time.Advance(TimeSpan.FromDays(2));
        await sweeper.SweepAsync(Ct);
        Assert.False(await factory.QueryDbAsync(db => db.EvaluationLog.AnyAsync(entry => entry.Id == recent.Id, Ct)));
    }

    private static EvaluationLogEntry Entry(DateTimeOffset at) => new()
    {
        Id = Guid.CreateVersion7(at),
        LoggedAt = at,
        Kind = EvaluationLogKinds.Evaluation,
        Outcome = EvaluationLogOutcomes.Evaluated,
        VisitorId = "retention",
        PromotionIds = [],
        Summary = "{}",
    };

    /// <summary>The quote as it would be after its lifetime: signed by the service with an expiry in the past.</summary>
    private JsonNode Expired(JsonNode quote)
    {
        var signer = factory.Services.GetRequiredService<Api.Evaluations.QuoteSigner>();
        var read = quote.Deserialize<Api.Evaluations.Quote>(Api.Common.PromotionJson.Options)!;
        return JsonSerializer.SerializeToNode(signer.Sign(read with { IssuedAt = read.IssuedAt.AddHours(-1), ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }),
            Api.Common.PromotionJson.Options)!;
    }

    private async Task<List<JsonObject>> SearchAsync(string query) =>
        [.. (await (await _admin.GetAsync($"{Log}?{query}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["items"]!.AsArray().OfType<JsonObject>()];
}

/// <summary>Sample rate 0: ordinary evaluations and honoured orders are not logged, a quote mismatch always is.</summary>
public sealed class EvaluationLogSamplingTests(NoSampledEvaluationLogFactory factory) : IClassFixture<NoSampledEvaluationLogFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task SampleRateZero_NormalEvaluationsNotLogged_MismatchAlwaysLogged()
    {
        var product = UniqueProduct();
        var promotion = await _admin.PublishAsync(PercentOffProduct(product, 10m));
        var visitor = $"zero-{Guid.NewGuid():N}";
        var cart = Cart(("a", product, 2, 50m, null)).With("visitorId", visitor);
        var honoured = await _storefront.EvaluateAsync(cart.With("touchpoint", "checkout"));
        await OrderAsync($"order-{Guid.NewGuid():N}", cart, honoured, honoured.Total("grandTotal"));
        var mismatched = await _storefront.EvaluateAsync(cart.With("touchpoint", "checkout"));
        var orderId = $"order-{Guid.NewGuid():N}";
        await OrderAsync(orderId, cart, mismatched, mismatched.Total("grandTotal") - 5m);

        var logged = await Eventually.GetAsync(async () =>
            (await (await _admin.GetAsync($"/api/promotions/evaluation-log?orderId={orderId}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["items"]!
                .AsArray() is { Count: 1 } items ? items[0] : null, because: "a mismatch is always logged");

        Assert.Equal("mismatch", logged!["outcome"]!.GetValue<string>());
        Assert.Equal("charged_differs", logged["reason"]!.GetValue<string>());
        Assert.Equal(promotion, logged["promotionIds"]![0]!.GetValue<Guid>());
        Assert.Equal(mismatched.Total("grandTotal") - 5m, logged["grandTotal"]!.GetValue<decimal>());
        // Entries are written in order: with the mismatch stored, anything queued before it would be too.
        Assert.Equal(1, await factory.QueryDbAsync(db => db.EvaluationLog.CountAsync(entry => entry.VisitorId == visitor, Ct)));
    }

    [Fact]
    public async Task SampleRateZero_AnEvaluationError_IsAlwaysLogged()
    {
        var visitor = $"error-{Guid.NewGuid():N}";
        var recorder = factory.Services.GetRequiredService<EvaluationLogRecorder>();

        recorder.Failed(new Api.Evaluations.EvaluateRequest { Currency = "EUR", VisitorId = visitor }, new InvalidOperationException("rule set unavailable"));

        var logged = await Eventually.GetAsync(async () =>
            (await (await _admin.GetAsync($"/api/promotions/evaluation-log?visitorId={visitor}&outcome=error", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["items"]!
                .AsArray() is { Count: 1 } items ? items[0] : null, because: "an error is always logged");
        Assert.Equal("InvalidOperationException: rule set unavailable", logged!["reason"]!.GetValue<string>());
    }

    private async Task OrderAsync(string orderId, JsonObject cart, JsonObject checkout, decimal charged) =>
        await (await _storefront.PostAsJsonAsync("/api/promotions/orders", new JsonObject
        {
            ["orderId"] = orderId,
            ["quote"] = checkout["quote"]!.DeepClone(),
            ["order"] = cart.With("touchpoint", "checkout"),
            ["chargedGrandTotal"] = charged,
            ["chargedDiscountTotal"] = checkout.Total("discountTotal"),
        }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
}
