using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Promotions.FunctionalTests.PromotionsTestClient;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>
/// Partner-specific product-page content over HTTP with a real PostgreSQL: admin lifecycle with versions, precedence
/// (partner + product over partner over traffic source over default), HTML kept as data, variants rolled out and tested
/// like offers (sticky, exposures recorded when shown, orders counted per variant), and refusals for bad input.
/// </summary>
public sealed class ProductPageContentTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private const string Contents = "/api/promotions/product-page/contents";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Precedence_PartnerAndProduct_BeatsPartner_BeatsTrafficSource_BeatsDefault()
    {
        var partner = await RegisterPartnerAsync();
        var product = UniqueProduct();
        var source = $"news-{Guid.NewGuid():N}";
        var byPartnerAndProduct = await PublishAsync(Entry("partner+product", Target(partner, null, product), Banner("for this partner's product")));
        var byPartner = await PublishAsync(Entry("partner", Target(partner, null, null), Banner("for this partner")));
        var bySource = await PublishAsync(Entry("source", Target(null, source, null), Banner("for the newsletter")));
        var byDefault = await PublishAsync(Entry("default", new JsonObject(), Banner("for everyone")));
        try
        {
            var both = await AskAsync(Visit(product).With("partnerId", partner).With("utmSource", source.ToUpperInvariant()));
            Assert.Equal(byPartnerAndProduct, both["entryId"]!.GetValue<Guid>());
            Assert.Equal("for this partner's product", both["content"]!["bannerMessage"]!.GetValue<string>());
            Assert.Equal(["partner", "productId"], both["matchedOn"]!.AsArray().Select(node => node!.GetValue<string>()));
            var notShown = both["notShown"]!.AsArray().Select(node => node!["entryId"]!.GetValue<Guid>()).ToList();
            Assert.Equal([byPartner, bySource, byDefault], notShown);
            Assert.All(both["notShown"]!.AsArray(), node => Assert.Equal("lower_precedence", node!["reason"]!.GetValue<string>()));

            Assert.Equal(byPartner, (await AskAsync(Visit(UniqueProduct()).With("partnerId", partner).With("utmSource", source)))["entryId"]!.GetValue<Guid>());
            Assert.Equal(bySource, (await AskAsync(Visit(product).With("utmSource", source)))["entryId"]!.GetValue<Guid>());
            var plain = await AskAsync(Visit(product));
            Assert.Equal(byDefault, plain["entryId"]!.GetValue<Guid>());
            Assert.Empty(plain["matchedOn"]!.AsArray());
        }
        finally
        {
            await (await _admin.PostAsJsonAsync($"{Contents}/{byDefault}/end", new JsonObject(), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        }

        var nothing = await AskAsync(Visit(UniqueProduct()));
        Assert.Null(nothing["content"]);
        Assert.Null(nothing["entryId"]);
    }

    [Fact]
    public async Task HtmlAndScript_AreStoredAndReturnedAsJsonData_NeverRendered()
    {
        const string hostile = "<script>alert('x')</script><b onmouseover=\"steal()\">Spring</b> & \"friends\"";
        var product = UniqueProduct();
        var id = await PublishAsync(Entry("html", Target(null, null, product), new JsonObject
        {
            ["bannerMessage"] = hostile,
            ["highlightedBundle"] = new JsonArray("<img src=x onerror=alert(1)>"),
        }));

        var response = await _storefront.PostAsJsonAsync("/api/promotions/product-page", Visit(product), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.DoesNotContain("<script>", body, StringComparison.Ordinal); // escaped as \u003Cscript\u003E: inert even pasted into a page
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var answer = JsonNode.Parse(body)!;
        Assert.Equal(hostile, answer["content"]!["bannerMessage"]!.GetValue<string>());
        Assert.Equal("<img src=x onerror=alert(1)>", answer["content"]!["highlightedBundle"]![0]!.GetValue<string>());
        var stored = await (await _admin.GetAsync($"{Contents}/{id}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(hostile, stored["definition"]!["variants"]![0]!["content"]!["bannerMessage"]!.GetValue<string>());
    }

    [Fact]
    public async Task Lifecycle_EditsAreVersions_LiveOnlyWhenPublished_PauseResumeRollbackEnd()
    {
        var product = UniqueProduct();
        var created = await (await _admin.PostAsJsonAsync(Contents, Save(Entry("life", Target(null, null, product), Banner("v1"))), Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var id = created["id"]!.GetValue<Guid>();
        Assert.Equal("draft", created["status"]!.GetValue<string>());
        Assert.Null((await AskAsync(Visit(product)))["entryId"]);

        await PublishExistingAsync(id);
        Assert.Equal("v1", Banner(await AskAsync(Visit(product))));

        var edited = await (await _admin.PutAsJsonAsync($"{Contents}/{id}", Save(Entry("life", Target(null, null, product), Banner("v2")), "new copy"), Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.True(edited["hasUnpublishedChanges"]!.GetValue<bool>());
        Assert.Equal("v1", Banner(await AskAsync(Visit(product))));
        await PublishExistingAsync(id);
        Assert.Equal("v2", Banner(await AskAsync(Visit(product))));

        await (await _admin.PostAsJsonAsync($"{Contents}/{id}/pause", new JsonObject(), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Null((await AskAsync(Visit(product)))["entryId"]);
        await (await _admin.PostAsJsonAsync($"{Contents}/{id}/resume", new JsonObject(), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var rolledBack = await (await _admin.PostAsJsonAsync($"{Contents}/{id}/publish", new JsonObject { ["version"] = 1, ["reason"] = "v2 confused people" }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(1, rolledBack["liveVersion"]!.GetValue<int>());
        Assert.Equal("v1", Banner(await AskAsync(Visit(product))));

        var firstPage = await (await _admin.GetAsync($"{Contents}/{id}/versions?limit=1", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var secondPage = await (await _admin.GetAsync($"{Contents}/{id}/versions?limit=1&after={firstPage["nextCursor"]!.GetValue<string>()}", Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var versions = firstPage["items"]!.AsArray().Concat(secondPage["items"]!.AsArray()).ToList();
        Assert.Equal([1, 2], versions.Select(version => version!["version"]!.GetValue<int>()));
        Assert.Equal("new copy", versions[1]!["reason"]!.GetValue<string>());
        Assert.True(versions[0]!["isLive"]!.GetValue<bool>());
        Assert.Null(secondPage["nextCursor"]);
        await (await _admin.GetAsync($"{Contents}/{id}/versions?after=nope", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        await (await _admin.PostAsJsonAsync($"{Contents}/{id}/end", new JsonObject(), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Null((await AskAsync(Visit(product)))["entryId"]);
        await (await _admin.PostAsJsonAsync($"{Contents}/{id}/publish", new JsonObject(), Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await _admin.PutAsJsonAsync($"{Contents}/{id}", Save(Entry("life", Target(null, null, product), Banner("v3"))), Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Update_WithStaleIfMatch_Returns412_AndNothingChanges()
    {
        var product = UniqueProduct();
        var id = await PublishAsync(Entry("etag", Target(null, null, product), Banner("v1")));
        var read = await _admin.GetAsync($"{Contents}/{id}", Ct);
        var etag = read.Headers.ETag!.Tag;
        Assert.Equal("\"1\"", etag);
        await (await _admin.PutAsJsonAsync($"{Contents}/{id}", Save(Entry("etag", Target(null, null, product), Banner("mine"))), Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        using var stale = new HttpRequestMessage(HttpMethod.Put, $"{Contents}/{id}")
        {
            Content = JsonContent.Create(Save(Entry("etag", Target(null, null, product), Banner("theirs")))),
        };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        await (await _admin.SendAsync(stale, Ct)).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);

        var entry = await (await _admin.GetAsync($"{Contents}/{id}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(2, entry["latestVersion"]!.GetValue<int>());
    }

    [Fact]
    public async Task Update_AnswersTheNewLatestVersionAsETag_WhichTheNextEditCanSend()
    {
        var product = UniqueProduct();
        var id = await PublishAsync(Entry("etag", Target(null, null, product), Banner("v1")));

        var first = await PutAsync(id, Entry("etag", Target(null, null, product), Banner("v2")), "\"1\"");
        await first.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var second = await PutAsync(id, Entry("etag", Target(null, null, product), Banner("v3")), first.Headers.ETag?.Tag);
        var entry = await second.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal(("\"2\"", "\"3\""), (first.Headers.ETag?.Tag, second.Headers.ETag?.Tag));
        Assert.Equal(3, entry["latestVersion"]!.GetValue<int>());
    }

    /// <summary><c>*</c> stands alone (RFC 9110: <c>"*" / #entity-tag</c>): inside a list it is a malformed If-Match, not "any".</summary>
    [Theory]
    [InlineData("*, \"1\"")]
    [InlineData("\"1\", *")]
    public async Task Update_WithStarInsideAList_Returns400_AndNothingChanges(string ifMatch)
    {
        var product = UniqueProduct();
        var id = await PublishAsync(Entry("etag", Target(null, null, product), Banner("v1")));

        var problem = await (await PutAsync(id, Entry("etag", Target(null, null, product), Banner("v2")), ifMatch))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("If-Match", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        var entry = await (await _admin.GetAsync($"{Contents}/{id}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(1, entry["latestVersion"]!.GetValue<int>());
    }

    [Fact]
    public async Task Schedule_ContentOutsideItsWindow_GivesWayWithItsReason()
    {
        var product = UniqueProduct();
        var later = DateTimeOffset.UtcNow.AddDays(1);
        var entry = Entry("later", Target(null, null, product), Banner("tomorrow"));
        entry["schedule"] = new JsonObject { ["startsAt"] = later };
        var id = await PublishAsync(entry);

        var now = await AskAsync(Visit(product));
        var preview = await AskAsync(Visit(product).With("at", later.AddMinutes(1)));

        Assert.Null(now["entryId"]);
        Assert.Equal("outside_schedule", now["notShown"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal(id, preview["entryId"]!.GetValue<Guid>());
        var listed = await (await _admin.GetAsync($"{Contents}/{id}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal("scheduled", listed["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Variants_StickyPerVisitor_ExposedWhenShown_OrdersCountedPerVariant()
    {
        var product = UniqueProduct();
        var entry = Entry("ab", Target(null, null, product), Banner("unused"));
        entry["holdoutPercent"] = 20;
        entry["variants"] = new JsonArray(
            new JsonObject { ["key"] = "banner", ["weight"] = 50, ["content"] = Banner("Loved by runners") },
            new JsonObject { ["key"] = "reviews", ["weight"] = 50, ["content"] = new JsonObject { ["reviewIds"] = new JsonArray("r-1", "r-2") } });
        var id = await PublishAsync(entry);

        await AskAsync(Visit(product).With("visitorId", "previewing-manager").With("at", DateTimeOffset.UtcNow.AddMinutes(1)));
        var seen = new Dictionary<string, string>();
        for (var index = 0; index < 50; index++)
        {
            var visitor = $"pp-{Guid.NewGuid():N}";
            var first = await AskAsync(Visit(product).With("visitorId", visitor));
            var again = await AskAsync(Visit(product).With("visitorId", visitor));
            var variant = first["variant"]?.GetValue<string>() ?? "holdout";
            Assert.Equal(variant, again["variant"]?.GetValue<string>() ?? "holdout");
            if (variant == "holdout")
            {
                Assert.Equal("experiment_holdout", first["notShown"]![0]!["reason"]!.GetValue<string>());
            }

            seen[visitor] = variant;
        }

        Assert.Equal(3, seen.Values.Distinct().Count());
        await Eventually.UntilAsync(async () => (await ResultsAsync(id))["variants"]!.AsArray().Sum(variant => variant!["exposures"]!.GetValue<long>()) == 50,
            because: "each visitor's first exposure is counted once, for the variant shown (or the holdout)");

        var buyer = seen.First(pair => pair.Value == "reviews").Key;
        var cart = Cart(("a", product, 1, 30m, null)).With("visitorId", buyer);
        var checkout = await _storefront.EvaluateAsync(cart.With("touchpoint", "checkout"));
        await (await _storefront.PostAsJsonAsync("/api/promotions/orders", new JsonObject
        {
            ["orderId"] = $"order-{Guid.NewGuid():N}",
            ["quote"] = checkout["quote"]!.DeepClone(),
            ["order"] = cart.With("touchpoint", "checkout"),
            ["chargedGrandTotal"] = checkout.Total("grandTotal"),
            ["chargedDiscountTotal"] = checkout.Total("discountTotal"),
        }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var results = await ResultsAsync(id);
        Assert.Equal("holdout", results["baseline"]!.GetValue<string>());
        var reviews = results["variants"]!.AsArray().Single(variant => variant!["variant"]!.GetValue<string>() == "reviews")!;
        Assert.Equal(seen.Count(pair => pair.Value == "reviews"), reviews["exposures"]!.GetValue<long>());
        Assert.Equal(1, reviews["conversions"]!.GetValue<long>());
        var euros = Assert.Single(reviews["sales"]!.AsArray())!;
        Assert.Equal("EUR", euros["currency"]!.GetValue<string>());
        Assert.Equal(34.90m, euros["averageOrderValue"]!.GetValue<decimal>());
        Assert.NotNull(reviews["conversionVsBaseline"]);
        Assert.Equal(seen.Count, await factory.QueryDbAsync(async db =>
            (await db.Set<PartnerMesh.Outbox.OutboxMessage>().Where(message => message.MessageUrn.Contains("product-page-content-exposed"))
                .Select(message => message.Payload).ToListAsync(Ct)).Count(payload => payload.Contains(id.ToString(), StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Rollout_RaisedFrom20To60_KeepsEveryoneWhoWasIn_WithoutAVisitorIdNothingIsShown()
    {
        var product = UniqueProduct();
        var entry = Entry("rollout", Target(null, null, product), Banner("new copy"));
        entry["rolloutPercent"] = 20;
        var id = await PublishAsync(entry);
        var visitors = Enumerable.Range(0, 100).Select(index => $"roll-{index}").ToList();
        async Task<HashSet<string>> InAsync() =>
            [.. (await Task.WhenAll(visitors.Select(async visitor => (visitor, (await AskAsync(Visit(product).With("visitorId", visitor)))["entryId"] is not null))))
                .Where(result => result.Item2).Select(result => result.visitor)];

        var atTwenty = await InAsync();
        entry["rolloutPercent"] = 60;
        await (await _admin.PutAsJsonAsync($"{Contents}/{id}", Save(entry), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await PublishExistingAsync(id);
        var atSixty = await InAsync();

        Assert.InRange(atTwenty.Count, 5, 40);
        Assert.Subset(atSixty, atTwenty);
        Assert.True(atSixty.Count > atTwenty.Count);
        var anonymous = await AskAsync(Visit(product));
        Assert.Null(anonymous["entryId"]);
        Assert.Equal("no_visitor_id", anonymous["notShown"]![0]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_IsCursorPaged_AndFiltersByPartnerAndStatus()
    {
        var partner = await RegisterPartnerAsync();
        var ids = new List<Guid>();
        for (var index = 0; index < 3; index++)
        {
            ids.Add((await (await _admin.PostAsJsonAsync(Contents, Save(Entry($"list-{index}", Target(partner, null, null), Banner("x"))), Ct))
                .ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<Guid>());
        }

        await PublishExistingAsync(ids[1]);
        var first = await (await _admin.GetAsync($"{Contents}?partnerId={partner}&limit=2", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var cursor = first["nextCursor"]!.GetValue<string>();
        var second = await (await _admin.GetAsync($"{Contents}?partnerId={partner}&limit=2&after={cursor}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var active = await (await _admin.GetAsync($"{Contents}?partnerId={partner}&status=active", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal(ids, first["items"]!.AsArray().Concat(second["items"]!.AsArray()).Select(item => item!["id"]!.GetValue<Guid>()));
        Assert.Null(second["nextCursor"]);
        Assert.Equal(ids[1], Assert.Single(active["items"]!.AsArray())!["id"]!.GetValue<Guid>());
        await (await _admin.GetAsync($"{Contents}?after=nope", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var byOldName = await (await _admin.GetAsync($"{Contents}?partnerId={partner}&limit=2&cursor={cursor}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(second["items"]!.ToJsonString(), byOldName["items"]!.ToJsonString());
        await (await _admin.GetAsync($"{Contents}?cursor=nope", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.GetAsync($"{Contents}?status=live", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_WithIdempotencyKey_Twice_OneEntry_ADifferentBodyIs409()
    {
        var body = Save(Entry("once", Target(null, null, UniqueProduct()), Banner("x")));
        var key = Guid.NewGuid().ToString("N");

        var first = await SendWithKeyAsync(body, key);
        var second = await SendWithKeyAsync(body, key);
        var other = await SendWithKeyAsync(Save(Entry("twice", Target(null, null, UniqueProduct()), Banner("y"))), key);

        var created = await first.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(created["id"]!.GetValue<Guid>(), (await second.ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["id"]!.GetValue<Guid>());
        Assert.Equal(IdempotencyKeys.ReusedReason, (await other.ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]?.ToString());
    }

    [Fact]
    public async Task Create_WithIdempotencyKey_SameEntryOtherReason_Is409()
    {
        var entry = Entry("reasoned", Target(null, null, UniqueProduct()), Banner("x"));
        var key = Guid.NewGuid().ToString("N");

        var first = await SendWithKeyAsync(Save(entry, "one"), key);
        var other = await SendWithKeyAsync(Save(entry, "two"), key);

        await first.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        await other.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task UnknownPartner_Is422_ForTheStorefrontAndForProgramManagers_AndNothingIsStored()
    {
        var before = await factory.QueryDbAsync(db => db.ProductPageContents.CountAsync(Ct));

        await (await _storefront.PostAsJsonAsync("/api/promotions/product-page", Visit("p-1").With("partnerId", Guid.NewGuid()), Ct))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await _admin.PostAsJsonAsync(Contents, Save(Entry("ghost", Target(Guid.NewGuid(), null, null), Banner("x"))), Ct))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal(before, await factory.QueryDbAsync(db => db.ProductPageContents.CountAsync(Ct)));
        var registeredLater = await RegisterPartnerAsync();
        await (await _storefront.PostAsJsonAsync("/api/promotions/product-page", Visit("p-1").With("partnerId", registeredLater), Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
    }

    public static TheoryData<string, string> BadEntries() => new()
    {
        { """{"definition":{"name":"x","variants":[{"key":"a","weight":100,"content":{"bannerMessage":"BANNER"}}]}}""".Replace("BANNER", new string('b', 501), StringComparison.Ordinal), "bannerMessage" },
        { """{"definition":{"name":"x","variants":[{"key":"a","weight":100,"content":{"reviewIds":[IDS]}}]}}""".Replace("IDS", string.Join(',', Enumerable.Range(0, 51).Select(index => $"\"r{index}\"")), StringComparison.Ordinal), "reviewIds" },
        { """{"definition":{"name":"x","variants":[{"key":"a","weight":100,"content":{"testimonialIds":[""]}}]}}""", "testimonialIds" },
        { """{"definition":{"name":"x","variants":[{"key":"a","weight":60,"content":{}},{"key":"b","weight":30,"content":{}}]}}""", "definition.variants" },
        { """{"definition":{"name":"x","variants":[{"key":"holdout","weight":100,"content":{}}]}}""", "key" },
        { """{"definition":{"name":"x","variants":[]}}""", "definition.variants" },
        { """{"definition":{"name":"x","holdoutPercent":100,"variants":[{"key":"a","weight":100,"content":{}}]}}""", "holdoutPercent" },
        { """{"definition":{"name":"x","rolloutPercent":-1,"variants":[{"key":"a","weight":100,"content":{}}]}}""", "rolloutPercent" },
        { """{"definition":{"name":"x","schedule":{"startsAt":"2027-01-02T00:00:00Z","endsAt":"2027-01-01T00:00:00Z"},"variants":[{"key":"a","weight":100,"content":{}}]}}""", "schedule" },
        { """{"definition":{"name":"x","target":{"partnerId":"00000000-0000-0000-0000-000000000000"},"variants":[{"key":"a","weight":100,"content":{}}]}}""", "partnerId" },
        { """{"definition":{"name":"x","variants":[{"key":"a","weight":"all","content":{}}]}}""", "" },
        { """{"definition":{"name":"x","colour":"red","variants":[{"key":"a","weight":100,"content":{}}]}}""", "" },
        { """{"definition":{"name":"x","variants":[{"key":"a","weight":100,"content":{}}]""", "" },
    };

    [Theory]
    [MemberData(nameof(BadEntries))]
    public async Task Create_BadInput_Returns400ProblemNamingTheField_AndStoresNothing(string json, string field)
    {
        var before = await factory.QueryDbAsync(db => db.ProductPageContents.CountAsync(Ct));

        var response = await _admin.PostAsync(Contents, new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.Extensions.TryGetValue("errors", out var errors) ? errors!.ToString() : problem.Detail ?? "", StringComparison.Ordinal);
        Assert.Equal(before, await factory.QueryDbAsync(db => db.ProductPageContents.CountAsync(Ct)));
    }

    [Theory]
    [InlineData("""{"categories":["shoes"]}""", "productId")]
    [InlineData("""{"productId":""}""", "productId")]
    [InlineData("""{"productId":"p","visitorId":""}""", "visitorId")]
    [InlineData("""{"productId":"p","partnerId":"not-a-guid"}""", "")]
    [InlineData("""{"productId":"p","clickId":"00000000-0000-0000-0000-000000000000"}""", "clickId")]
    [InlineData("""{"productId":"p","utmSource":"XUTM"}""", "utmSource")]
    [InlineData("""{"productId":"p",""", "")]
    public async Task ProductPage_BadInput_Returns400Problem(string json, string field)
    {
        json = json.Replace("XUTM", new string('u', 101), StringComparison.Ordinal);

        var response = await _storefront.PostAsync("/api/promotions/product-page", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.Extensions.TryGetValue("errors", out var errors) ? errors!.ToString() : problem.Detail ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task HugePayload_Is413_UnknownEntry_Is404()
    {
        var huge = Save(Entry("huge", new JsonObject(), new JsonObject { ["bannerMessage"] = new string('x', 2_000_000) }));

        await (await _admin.PostAsJsonAsync(Contents, huge, Ct)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await (await _admin.GetAsync($"{Contents}/{Guid.NewGuid()}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _admin.GetAsync($"{Contents}/{Guid.NewGuid()}/results", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _admin.PostAsJsonAsync($"{Contents}/{Guid.NewGuid()}/publish", new JsonObject(), Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<Guid> RegisterPartnerAsync()
    {
        var partner = Guid.NewGuid();
        await factory.QueryDbAsync(async db =>
        {
            db.Partners.Add(new KnownPartner { Id = partner, Name = "content partner", Kind = "affiliate", RegisteredAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync(Ct);
        });
        return partner;
    }

    private static JsonObject Entry(string name, JsonObject target, JsonObject content) => new()
    {
        ["name"] = name,
        ["target"] = target,
        ["variants"] = new JsonArray(new JsonObject { ["key"] = "main", ["weight"] = 100, ["content"] = content }),
    };

    private static JsonObject Target(Guid? partner, string? source, string? product)
    {
        var target = new JsonObject();
        if (partner is not null)
        {
            target["partnerId"] = partner;
        }

        if (source is not null)
        {
            target["utmSource"] = source;
        }

        if (product is not null)
        {
            target["productIds"] = new JsonArray(product);
        }

        return target;
    }

    private static JsonObject Banner(string message) => new() { ["bannerMessage"] = message };

    private static string? Banner(JsonObject answer) => answer["content"]?["bannerMessage"]?.GetValue<string>();

    private static JsonObject Save(JsonObject definition, string? reason = null) => new() { ["definition"] = definition.DeepClone(), ["reason"] = reason };

    private async Task<HttpResponseMessage> PutAsync(Guid id, JsonObject definition, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{Contents}/{id}") { Content = JsonContent.Create(Save(definition)) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await _admin.SendAsync(request, Ct);
    }

    private static JsonObject Visit(string product) => new() { ["productId"] = product, ["categories"] = new JsonArray("running-shoes") };

    private async Task<Guid> PublishAsync(JsonObject definition)
    {
        var id = (await (await _admin.PostAsJsonAsync(Contents, Save(definition), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        await PublishExistingAsync(id);
        return id;
    }

    private async Task PublishExistingAsync(Guid id) =>
        await (await _admin.PostAsJsonAsync($"{Contents}/{id}/publish", new JsonObject { ["reason"] = "test" }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

    private async Task<JsonObject> AskAsync(JsonObject visit) =>
        await (await _storefront.PostAsJsonAsync("/api/promotions/product-page", visit, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

    private async Task<JsonObject> ResultsAsync(Guid id) =>
        await (await _admin.GetAsync($"{Contents}/{id}/results", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

    private async Task<HttpResponseMessage> SendWithKeyAsync(JsonObject body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Contents) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await _admin.SendAsync(request, Ct);
    }
}
