using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Promotions.FunctionalTests.PromotionsTestClient;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>
/// Times sent with any UTC offset — in a query string or a JSON body — mean the same instant as in UTC, and never fail
/// where they reach PostgreSQL (timestamptz takes UTC only).
/// </summary>
public sealed class TimeOffsetTests(FullEvaluationLogFactory factory) : IClassFixture<FullEvaluationLogFactory>
{
    private static readonly TimeSpan Plus2 = TimeSpan.FromHours(2);
    private static readonly TimeSpan Minus5 = TimeSpan.FromHours(-5);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task EvaluationLog_FromAndToWithOffsets_FilterTheSameInstantAsUtc()
    {
        var visitor = $"offset-{Guid.NewGuid():N}";
        await _storefront.EvaluateAsync(Cart(("a", UniqueProduct(), 1, 10m, null)).With("visitorId", visitor));
        var logged = await Eventually.GetAsync(async () => (await SearchAsync($"visitorId={visitor}")).SingleOrDefault(),
            because: "the evaluation is written by the background writer");
        var loggedAt = logged!["loggedAt"]!.GetValue<DateTimeOffset>();

        var fromBefore = await SearchAsync($"visitorId={visitor}&from={At(loggedAt.AddSeconds(-1), Plus2)}");
        var fromAfter = await SearchAsync($"visitorId={visitor}&from={At(loggedAt.AddSeconds(1), Minus5)}");
        var toAfter = await SearchAsync($"visitorId={visitor}&to={At(loggedAt.AddSeconds(1), Minus5)}");
        var toBefore = await SearchAsync($"visitorId={visitor}&from={At(loggedAt.AddSeconds(-5), Minus5)}&to={At(loggedAt.AddSeconds(-1), Plus2)}");

        Assert.Equal((1, 0, 1, 0), (fromBefore.Count, fromAfter.Count, toAfter.Count, toBefore.Count));
    }

    /// <summary>A storefront may re-serialise the quote with its own offset (same instant, so the signature holds); the
    /// order then writes the quote's issue time as the experiment exposure's time.</summary>
    [Fact]
    public async Task Order_QuoteTimesReserialisedWithAnOffset_IsHonoured()
    {
        var product = UniqueProduct();
        var promotion = await _admin.PublishAsync(PercentOffProduct(product, 10m));
        var experiment = (await (await _admin.PostAsJsonAsync("/api/promotions/experiments", new JsonObject
        {
            ["name"] = "offset quote",
            ["variants"] = new JsonArray(
                new JsonObject { ["key"] = "ten", ["promotionId"] = promotion, ["weight"] = 50 },
                new JsonObject { ["key"] = "control", ["weight"] = 50 }),
        }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        await (await _admin.PostAsync($"/api/promotions/experiments/{experiment}/start", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var cart = Cart(("a", product, 1, 100m, null)).With("visitorId", $"offset-{Guid.NewGuid():N}").With("touchpoint", "checkout");
        var checkout = await _storefront.EvaluateAsync(cart);
        var quote = (JsonObject)checkout["quote"]!.DeepClone();
        quote["issuedAt"] = At(quote["issuedAt"]!.GetValue<DateTimeOffset>(), Plus2, escaped: false);
        quote["expiresAt"] = At(quote["expiresAt"]!.GetValue<DateTimeOffset>(), Minus5, escaped: false);

        var verified = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", new JsonObject
        {
            ["orderId"] = $"order-{Guid.NewGuid():N}",
            ["quote"] = quote,
            ["order"] = cart,
            ["chargedGrandTotal"] = checkout.Total("grandTotal"),
            ["chargedDiscountTotal"] = checkout.Total("discountTotal"),
        }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("honoured", verified["outcome"]!.GetValue<string>());
        var results = await (await _admin.GetAsync($"/api/promotions/experiments/{experiment}/results", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(1, results["variants"]!.AsArray().Sum(row => row!["orders"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Schedule_WithOffsets_IsTheSameInstant_AndAtWithAnotherOffsetIsJudgedByIt()
    {
        var product = UniqueProduct();
        var starts = new DateTimeOffset(2031, 3, 1, 0, 30, 0, Plus2); // 2031-02-28T22:30Z
        var ends = new DateTimeOffset(2031, 3, 1, 12, 0, 0, Minus5);
        var definition = PercentOffProduct(product, 10m);
        definition["schedule"] = new JsonObject { ["startsAt"] = At(starts, Plus2, escaped: false), ["endsAt"] = At(ends, Minus5, escaped: false) };
        var id = await _admin.PublishAsync(definition);
        var cart = Cart(("a", product, 1, 100m, null));

        var read = await (await _admin.GetAsync($"/api/promotions/definitions/{id}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var justBefore = await _storefront.EvaluateAsync(cart.With("at", At(starts.AddSeconds(-1), Minus5, escaped: false)));
        var atStart = await _storefront.EvaluateAsync(cart.With("at", At(starts, Minus5, escaped: false)));
        var atEnd = await _storefront.EvaluateAsync(cart.With("at", At(ends, Plus2, escaped: false)).With("touchpoint", "checkout"));

        var schedule = read["definition"]!["schedule"]!;
        Assert.Equal((starts, ends), (schedule["startsAt"]!.GetValue<DateTimeOffset>(), schedule["endsAt"]!.GetValue<DateTimeOffset>()));
        Assert.Equal(TimeSpan.Zero, schedule["startsAt"]!.GetValue<DateTimeOffset>().Offset); // stored in UTC
        Assert.Equal("outside_schedule", justBefore.RejectionReason(id));
        Assert.NotNull(atStart.Applied(id));
        Assert.Equal("outside_schedule", atEnd.RejectionReason(id));
    }

    [Fact]
    public async Task ProductPage_ScheduleAndAtWithOffsets_ShownFromTheSameInstant()
    {
        const string Contents = "/api/promotions/product-page/contents";
        var product = UniqueProduct();
        var starts = new DateTimeOffset(2031, 6, 1, 0, 30, 0, Plus2);
        var entry = new JsonObject
        {
            ["name"] = "offset content",
            ["target"] = new JsonObject { ["productIds"] = new JsonArray(product) },
            ["schedule"] = new JsonObject { ["startsAt"] = At(starts, Plus2, escaped: false) },
            ["variants"] = new JsonArray(new JsonObject { ["key"] = "main", ["weight"] = 100, ["content"] = new JsonObject { ["bannerMessage"] = "hi" } }),
        };
        var id = (await (await _admin.PostAsJsonAsync(Contents, new JsonObject { ["definition"] = entry }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        await (await _admin.PostAsJsonAsync($"{Contents}/{id}/publish", new JsonObject(), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        async Task<JsonObject> VisitAsync(DateTimeOffset at) => await (await _storefront.PostAsJsonAsync("/api/promotions/product-page",
            new JsonObject { ["productId"] = product, ["visitorId"] = "offset-visitor", ["at"] = At(at, Minus5, escaped: false) }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Null((await VisitAsync(starts.AddSeconds(-1)))["entryId"]);
        Assert.Equal(id, (await VisitAsync(starts))["entryId"]!.GetValue<Guid>());
    }

    /// <summary>The instant at another offset, ISO 8601 (escaped for a query string: '+' would read as a space).</summary>
    private static string At(DateTimeOffset instant, TimeSpan offset, bool escaped = true)
    {
        var text = instant.ToOffset(offset).ToString("yyyy-MM-ddTHH:mm:ss.fffffffzzz", System.Globalization.CultureInfo.InvariantCulture);
        return escaped ? Uri.EscapeDataString(text) : text;
    }

    private async Task<List<JsonObject>> SearchAsync(string query) =>
        [.. (await (await _admin.GetAsync($"/api/promotions/evaluation-log?{query}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["items"]!
            .AsArray().OfType<JsonObject>()];
}
