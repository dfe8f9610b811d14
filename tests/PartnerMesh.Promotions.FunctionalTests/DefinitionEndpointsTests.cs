using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

public sealed class DefinitionEndpointsTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private readonly HttpClient _admin = factory.Admin();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;


    [Fact]
    public async Task Create_ValidDefinition_Returns201DraftWithVersion1()
    {
        var response = await _admin.PostAsJsonAsync("/api/promotions/definitions",
            new JsonObject { ["definition"] = PromotionsTestClient.PercentOffProduct(PromotionsTestClient.UniqueProduct(), 10), ["reason"] = "spring" }, Ct);

        var created = await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal("draft", created["status"]!.GetValue<string>());
        Assert.Equal(1, created["latestVersion"]!.GetValue<int>());
        Assert.Null(created["liveVersion"]);
        Assert.Equal($"/api/promotions/definitions/{created["id"]}", response.Headers.Location!.OriginalString);
    }

    public static TheoryData<string, string> ContradictoryDefinitions => new()
    {
        { """{"name":"x","action":{"type":"percentOffItems","percent":120}}""", "definition.action.percent" },
        { """{"name":"x","action":{"type":"percentOffOrder","percent":0}}""", "definition.action.percent" },
        { """{"name":"x","action":{"type":"fixedOffOrder","amount":-5}}""", "definition.action.amount" },
        { """{"name":"x","action":{"type":"fixedOffOrder","amount":5}}""", "definition.action.amount" },
        { """{"name":"x","currency":"EUR","action":{"type":"fixedOffOrder","amount":5.001}}""", "definition.action.amount" },
        { """{"name":"x","currency":"EUR","action":{"type":"tieredOrder","tiers":[{"threshold":200,"amountOff":30},{"threshold":100,"amountOff":10}]}}""", "definition.action.tiers[1].threshold" },
        { """{"name":"x","schedule":{"startsAt":"2026-12-10T00:00:00Z","endsAt":"2026-12-01T00:00:00Z"},"action":{"type":"freeShipping"}}""", "definition.schedule.endsAt" },
        { """{"name":"x","codes":["A1"],"action":{"type":"freeShipping"}}""", "definition.requiresCode" },
        { """{"name":"x","budgets":[{"scope":"campaign","maxUses":5}],"action":{"type":"freeShipping"}}""", "definition.budgets[0].scope" },
        { """{"name":"x","currency":"XXX","action":{"type":"freeShipping"}}""", "definition.currency" },
        { """{"name":"x","rolloutPercent":101,"action":{"type":"freeShipping"}}""", "definition.rolloutPercent" },
        { """{"name":"","action":{"type":"freeShipping"}}""", "definition.name" },
        { """{"name":"x","action":{"type":"buyXGetY","buyQuantity":0,"getQuantity":1,"buyFilter":{}}}""", "definition.action.buyQuantity" },
        { """{"name":"x","currency":"EUR","action":{"type":"tieredOrder","tiers":[{"threshold":100,"percent":50},{"threshold":200,"amountOff":10}]}}""", "definition.action.tiers[1]" },
        { """{"name":"x","currency":"EUR","action":{"type":"tieredOrder","tiers":[{"threshold":100,"amountOff":30},{"threshold":200,"percent":5}]}}""", "definition.action.tiers[1]" },
        { """{"name":"x","currency":"EUR","action":{"type":"tieredOrder","tiers":[null]}}""", "definition.action.tiers[0]" },
        { """{"name":"x","conditions":[{"type":"timeWindow","timeZone":"Europe/Berlin","from":"09:00","to":"10:00"}],"action":{"type":"freeShipping"}}""", "definition.conditions[0].days" },
        { """{"name":"x","conditions":[{"type":"timeWindow","timeZone":"Europe/Berlin","days":[],"from":"09:00","to":"10:00"}],"action":{"type":"freeShipping"}}""", "definition.conditions[0].days" },
        { """{"name":"x","conditions":[{"type":"timeWindow","timeZone":"UTC","days":["monday"],"from":"10:00","to":"10:00"}],"action":{"type":"freeShipping"}}""", "definition.conditions[0].to" },
    };

    /// <summary>Every condition and action, each with one member left out and then null: a definition is either refused
    /// naming what is wrong or stored and readable — never a 500 (a left-out <c>days</c> once failed while storing).</summary>
    public static TheoryData<string> EveryMemberLeftOutOrNull()
    {
        JsonObject[] conditions =
        [
            new() { ["type"] = "cartSubtotal", ["min"] = 10 },
            new() { ["type"] = "items", ["filter"] = new JsonObject { ["productIds"] = new JsonArray("p") }, ["minQuantity"] = 1 },
            new() { ["type"] = "customerSegment", ["segments"] = new JsonArray("vip") },
            new() { ["type"] = "partner", ["partnerIds"] = new JsonArray(Guid.NewGuid()) },
            new() { ["type"] = "trafficSource", ["utmSources"] = new JsonArray("newsletter") },
            new() { ["type"] = "touchpoint", ["touchpoints"] = new JsonArray("cart") },
            new() { ["type"] = "timeWindow", ["timeZone"] = "Europe/Berlin", ["days"] = new JsonArray("friday"), ["from"] = "09:00", ["to"] = "10:00" },
        ];
        JsonObject[] actions =
        [
            new() { ["type"] = "percentOffItems", ["percent"] = 10, ["filter"] = new JsonObject { ["categories"] = new JsonArray("c") }, ["maxDiscount"] = 5 },
            new() { ["type"] = "fixedOffItems", ["amountPerUnit"] = 1, ["filter"] = new JsonObject { ["collections"] = new JsonArray("c") } },
            new() { ["type"] = "fixedPrice", ["unitPrice"] = 1, ["filter"] = new JsonObject { ["productIds"] = new JsonArray("p") } },
            new()
            {
                ["type"] = "buyXGetY", ["buyQuantity"] = 2, ["getQuantity"] = 1, ["buyFilter"] = new JsonObject { ["productIds"] = new JsonArray("p") },
                ["getFilter"] = new JsonObject { ["productIds"] = new JsonArray("q") }, ["percent"] = 50, ["maxApplications"] = 2,
            },
            new() { ["type"] = "buyXGetY", ["buyQuantity"] = 1, ["getQuantity"] = 1, ["buyFilter"] = new JsonObject(), ["amountOffPerUnit"] = 1 },
            new() { ["type"] = "freeGift", ["productId"] = "tote", ["quantity"] = 1 },
            new() { ["type"] = "percentOffOrder", ["percent"] = 10, ["maxDiscount"] = 5 },
            new() { ["type"] = "fixedOffOrder", ["amount"] = 5 },
            new() { ["type"] = "tieredOrder", ["tiers"] = new JsonArray(new JsonObject { ["threshold"] = 100, ["amountOff"] = 10 }) },
            new() { ["type"] = "percentOffShipping", ["percent"] = 50 },
            new() { ["type"] = "fixedOffShipping", ["amount"] = 2 },
        ];
        var data = new TheoryData<string>();
        foreach (var (owner, sound) in conditions.Select(condition => ("condition", condition)).Concat(actions.Select(action => ("action", action))))
        {
            foreach (var member in sound.Select(pair => pair.Key).Where(key => key != "type"))
            {
                foreach (var leftOut in new[] { true, false })
                {
                    var broken = (JsonObject)sound.DeepClone();
                    if (leftOut)
                    {
                        broken.Remove(member);
                    }
                    else
                    {
                        broken[member] = null;
                    }

                    var definition = new JsonObject { ["name"] = "x-member", ["currency"] = "EUR", ["action"] = new JsonObject { ["type"] = "freeShipping" } };
                    if (owner == "condition")
                    {
                        definition["conditions"] = new JsonArray(broken);
                    }
                    else
                    {
                        definition["action"] = broken;
                    }

                    data.Add(definition.ToJsonString());
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryMemberLeftOutOrNull))]
    public async Task Create_AnyConditionOrActionMemberLeftOutOrNull_Is400NamingAField_OrStoredAndReadable(string definition)
    {
        var response = await _admin.PostAsync("/api/promotions/definitions", Json($$"""{"definition":{{definition}}}"""), Ct);

        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
            Assert.NotEmpty(((JsonElement)problem.Extensions["errors"]!).EnumerateObject());
            return;
        }

        var created = await response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        await (await _admin.GetAsync($"/api/promotions/definitions/{created["id"]}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
    }

    [Fact]
    public async Task CreateOrEdit_TimeWindowWithoutDays_400NamingDays_NothingWritten()
    {
        const string window = """{"type":"timeWindow","timeZone":"Europe/Berlin","from":"09:00","to":"10:00"}""";
        var name = $"no days {Guid.NewGuid():N}";
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(PromotionsTestClient.UniqueProduct(), 10));

        var body = new JsonObject
        {
            ["definition"] = new JsonObject
            {
                ["name"] = name, ["conditions"] = new JsonArray(JsonNode.Parse(window)), ["action"] = new JsonObject { ["type"] = "freeShipping" },
            },
        }.ToJsonString();
        var created = await _admin.PostAsync("/api/promotions/definitions", Json(body), Ct);
        var edited = await _admin.PutAsync($"/api/promotions/definitions/{id}", Json(body), Ct);

        foreach (var response in new[] { created, edited })
        {
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("definition.conditions[0].days", ((JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(error => error.Name));
        }

        Assert.Equal(0, await factory.QueryDbAsync(db => Task.FromResult(db.Promotions.Count(promotion => promotion.Name == name))));
        var promotion = await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}", Ct);
        Assert.Equal(1, promotion!["latestVersion"]!.GetValue<int>());
    }

    /// <summary>A time window's times are HH:mm (a window is decided to the minute): seconds, a fraction, one-digit hours or
    /// 24:00 as a start are refused on create and edit, naming the field — so is a window of a fraction of a minute.</summary>
    [Theory]
    [InlineData("10:00:30", "11:00", "from")]
    [InlineData("10:00:00", "11:00", "from")]
    [InlineData("00:00:00.5", "11:00", "from")]
    [InlineData("9:30", "11:00", "from")]
    [InlineData("24:00", "11:00", "from")]
    [InlineData("10:00", "11:00:45", "to")]
    [InlineData("10:00", "10:00:00.0000001", "to")]
    [InlineData("10:00", "24:00:00", "to")]
    [InlineData("10:00", "10:00", "to")]
    public async Task CreateOrEdit_TimeWindowTimeNotHHmm_Returns400NamingIt(string from, string to, string member)
    {
        var existing = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(PromotionsTestClient.UniqueProduct(), 10));
        var definition = PromotionsTestClient.PercentOffProduct(PromotionsTestClient.UniqueProduct(), 10);
        definition["conditions"] = new JsonArray(new JsonObject
        {
            ["type"] = "timeWindow", ["timeZone"] = "UTC", ["days"] = new JsonArray("monday"), ["from"] = from, ["to"] = to,
        });

        var created = await _admin.PostAsJsonAsync("/api/promotions/definitions", new JsonObject { ["definition"] = definition.DeepClone() }, Ct);
        var edited = await _admin.PutAsJsonAsync($"/api/promotions/definitions/{existing}", new JsonObject { ["definition"] = definition.DeepClone() }, Ct);

        foreach (var response in new[] { created, edited })
        {
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal([$"definition.conditions[0].{member}"], ((JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(error => error.Name));
        }
    }

    /// <summary>A window reads back as it is given (HH:mm). A version stored with seconds before they were refused still
    /// loads, reads back with them and is explained with them, as it is decided (2026-12-14 is a Monday); it cannot go
    /// live again by rollback, as it does not pass today's rules.</summary>
    [Fact]
    public async Task TimeWindow_ReadsBackAsHHmm_AVersionStoredWithSecondsStillLoadsAndIsExplainedAsDecided()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["conditions"] = new JsonArray(new JsonObject
        {
            ["type"] = "timeWindow", ["timeZone"] = "UTC", ["days"] = new JsonArray("monday"), ["from"] = "10:00", ["to"] = "11:00",
        });
        var id = await _admin.PublishAsync(definition);
        var window = (await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}", Ct))!["definition"]!["conditions"]![0]!;
        Assert.Equal(("10:00", "11:00"), (window["from"]!.GetValue<string>(), window["to"]!.GetValue<string>()));

        // Version 1 as stored before seconds were refused; version 2 (published) as an edit made since.
        await (await _admin.PutAsJsonAsync($"/api/promotions/definitions/{id}", new JsonObject { ["definition"] = ((JsonObject)definition.DeepClone()).With("name", "v2") }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await (await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/publish", new JsonObject(), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        foreach (var version in new[] { 1, 2 })
        {
            var json = await factory.QueryDbAsync(db => db.PromotionVersions.Where(stored => stored.PromotionId == id && stored.Version == version)
                .Select(stored => stored.Definition).SingleAsync(Ct));
            var withSeconds = json.Replace("\"10:00\"", "\"10:00:30\"", StringComparison.Ordinal).Replace("\"11:00\"", "\"11:00:45\"", StringComparison.Ordinal);
            Assert.NotEqual(json, withSeconds);
            await factory.QueryDbAsync(db => db.PromotionVersions.Where(stored => stored.PromotionId == id && stored.Version == version)
                .ExecuteUpdateAsync(update => update.SetProperty(stored => stored.Definition, withSeconds), Ct));
        }

        await factory.Services.GetRequiredService<PartnerMesh.Promotions.Api.RuleSets.RuleSetProvider>().RefreshAsync(force: true, Ct);

        var stored = (await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}/versions/1", Ct))!["definition"]!["conditions"]![0]!;
        Assert.Equal(("10:00:30", "11:00:45"), (stored["from"]!.GetValue<string>(), stored["to"]!.GetValue<string>()));
        var cart = PromotionsTestClient.Cart(("l", product, 1, 20m, null));
        var before = await factory.Storefront().EvaluateAsync(cart.With("at", "2026-12-14T10:00:29Z"));
        var within = await factory.Storefront().EvaluateAsync(cart.With("at", "2026-12-14T10:00:30Z"));
        Assert.Equal("condition_not_met", before.RejectionReason(id));
        var detail = before["notApplied"]!.AsArray().Single(entry => entry!["promotionId"]!.GetValue<Guid>() == id)!["detail"]!.GetValue<string>();
        Assert.Equal("timeWindow: outside monday 10:00:30–11:00:45 UTC", detail);
        Assert.NotNull(within.Applied(id));

        var rollback = await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/rollback", new JsonObject { ["version"] = 1 }, Ct);
        var problem = await rollback.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("definition.conditions[0].from", ((JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(error => error.Name));
    }

    /// <summary>Both ends left out, or 00:00–24:00, is the whole day; 18:00–24:00 runs to midnight. 2026-03-14 is a Saturday.</summary>
    [Theory]
    [InlineData(null, null)]
    [InlineData("00:00", "24:00")]
    [InlineData("18:00", "24:00")]
    public async Task Create_TimeWindowLeftOutOrEndingAt2400_RunsToTheEndOfTheDay(string? from, string? to)
    {
        var product = PromotionsTestClient.UniqueProduct();
        var window = new JsonObject { ["type"] = "timeWindow", ["timeZone"] = "UTC", ["days"] = new JsonArray("saturday") };
        if (from is not null)
        {
            window["from"] = from;
            window["to"] = to;
        }

        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["conditions"] = new JsonArray(window);
        var id = await _admin.PublishAsync(definition);

        var stored = (await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}", Ct))!["definition"]!["conditions"]![0]!;
        Assert.Equal("24:00", stored["to"]!.GetValue<string>());
        var cart = PromotionsTestClient.Cart(("l", product, 1, 20m, null));
        var applies = new List<bool>();
        foreach (var at in new[] { "2026-03-13T23:59:59Z", "2026-03-14T00:00:00Z", "2026-03-14T17:59:00Z", "2026-03-14T18:00:00Z", "2026-03-14T23:59:59Z", "2026-03-15T00:00:00Z" })
        {
            applies.Add((await factory.Storefront().EvaluateAsync(cart.With("at", at))).Applied(id) is not null);
        }

        var wholeDay = from is null or "00:00";
        Assert.Equal([false, wholeDay, wholeDay, true, true, false], applies);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"startsAt":null,"endsAt":null}""")]
    public async Task Create_EmptySchedule_IsNoSchedule_ActiveOncePublished(string schedule)
    {
        var product = PromotionsTestClient.UniqueProduct();
        var definition = PromotionsTestClient.PercentOffProduct(product, 10);
        definition["schedule"] = JsonNode.Parse(schedule);

        var id = await _admin.PublishAsync(definition);

        var promotion = await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}", Ct);
        Assert.Equal("active", promotion!["status"]!.GetValue<string>());
        var evaluation = await factory.Storefront().EvaluateAsync(PromotionsTestClient.Cart(("l", product, 1, 20m, null)));
        Assert.Equal(2m, evaluation.Applied(id)!["amount"]!.GetValue<decimal>());
    }

    [Theory]
    [MemberData(nameof(ContradictoryDefinitions))]
    public async Task CreateOrEdit_ContradictoryOrOutOfRange_Returns400KeyedByTheFieldsJsonPath(string definition, string field)
    {
        var existing = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(PromotionsTestClient.UniqueProduct(), 10));

        var created = await _admin.PostAsync("/api/promotions/definitions", Json($$"""{"definition":{{definition}},"reason":"r"}"""), Ct);
        var edited = await _admin.PutAsync($"/api/promotions/definitions/{existing}", Json($$"""{"definition":{{definition}},"reason":"r"}"""), Ct);

        foreach (var response in new[] { created, edited })
        {
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
            // The path in the request body (definition.…), as wrong types and NUL characters are keyed: never one relative to
            // the definition, which a client could not tell from the body's own members (name, reason).
            Assert.Contains(field, ((JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(error => error.Name));
            Assert.Contains($"{field}: ", problem.Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""{"definition":{"name":"x","action":{"type":"teleport"}}}""")]
    [InlineData("""{"definition":{"name":"x","exclusivity":"exclusiveAndStackable","action":{"type":"freeShipping"}}}""")]
    [InlineData("""{"definition":{"name":"x","exclusivity":1,"action":{"type":"freeShipping"}}}""")]
    [InlineData("""{"definition":{"name":"x"}}""")]
    [InlineData("""{"definition":{"name":"x","action":{"type":"percentOffItems","percent":"ten"}}}""")]
    [InlineData("""{"definition":{"name":"x","action":{"type":"freeShipping"},"unknownField":1}}""")]
    [InlineData("""{"definition":{"name":"x","action":{"type":"freeShipping"}""")]
    [InlineData("""{"definition":{"name":"x","action":{}}}""")]
    [InlineData("""{"definition":{"name":"x","action":{"percent":10}}}""")]
    [InlineData("""{"definition":{"name":"x","conditions":[{}],"action":{"type":"freeShipping"}}}""")]
    [InlineData("""{"definition":{"name":"x","conditions":[{"min":10}],"action":{"type":"freeShipping"}}}""")]
    public async Task Create_MalformedOrUnknownShape_Returns400(string body)
    {
        var response = await _admin.PostAsync("/api/promotions/definitions", Json(body), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(0, await factory.QueryDbAsync(db => Task.FromResult(db.Promotions.Count(promotion => promotion.Name == "x"))));
    }

    [Theory]
    [InlineData("""{"definition":{"name":"x","action":{"type":"teleport"}}}""", "definition.action")]
    [InlineData("""{"definition":{"name":"x","conditions":[{"type":"weather"}],"action":{"type":"freeShipping"}}}""", "definition.conditions[0]")]
    [InlineData("""{"definition":{"name":"x","exclusivity":1,"action":{"type":"freeShipping"}}}""", "definition.exclusivity")]
    [InlineData("""{"definition":{"name":"x","action":{"type":"freeShipping"},"unknownField":1}}""", "definition.unknownField")]
    [InlineData("""{"definition":{"name":"x","conditions":[{"type":"timeWindow","timeZone":"UTC","days":null,"from":"09:00","to":"10:00"}],"action":{"type":"freeShipping"}}}""", "definition.conditions[0].days")]
    public async Task Create_UnknownTypeEnumNumberUnknownFieldOrNull_Returns400NamingTheField(string body, string field)
    {
        var response = await _admin.PostAsync("/api/promotions/definitions", Json(body), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, ((JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(error => error.Name));
    }

    [Fact]
    public async Task Create_TypeDiscriminatorNotFirst_Accepted_AndReadsBackAfterPublish()
    {
        var body = $$$"""{"definition":{"action":{"filter":{"productIds":["{{{PromotionsTestClient.UniqueProduct()}}}"]},"percent":10,"type":"percentOffItems"},"conditions":[{"min":5,"type":"cartSubtotal"}],"currency":"EUR","name":"late type"}}""";
        var created = await (await _admin.PostAsync("/api/promotions/definitions", Json(body), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var published = await _admin.PostAsJsonAsync($"/api/promotions/definitions/{created["id"]}/publish", new JsonObject(), Ct);

        var promotion = await published.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal("cartSubtotal", promotion["definition"]!["conditions"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_SameIdempotencyKeyTwice_ReturnsSamePromotion_DifferentBody409()
    {
        var key = Guid.NewGuid().ToString();
        var body = new JsonObject { ["definition"] = PromotionsTestClient.PercentOffProduct(PromotionsTestClient.UniqueProduct(), 10) };

        var first = await (await Send(body, key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var again = await (await Send(body, key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var different = await Send(new JsonObject { ["definition"] = PromotionsTestClient.PercentOffProduct("other", 20) }, key);

        Assert.Equal(first["id"]!.GetValue<Guid>(), again["id"]!.GetValue<Guid>());
        Assert.Equal(IdempotencyKeys.ReusedReason, (await different.ShouldBeProblemAsync(HttpStatusCode.Conflict)).Extensions["reason"]?.ToString());

        Task<HttpResponseMessage> Send(JsonObject content, string idempotencyKey)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/promotions/definitions") { Content = JsonContent.Create(content) };
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            return _admin.SendAsync(request, Ct);
        }
    }

    [Fact]
    public async Task Create_CreatedAtAndUpdatedAt_AreTheSameInThe201_TheReplayAndAGet()
    {
        // Several promotions: a clock reading may happen to fall on a whole microsecond.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var key = Guid.NewGuid().ToString();
            var body = new JsonObject { ["definition"] = PromotionsTestClient.PercentOffProduct(PromotionsTestClient.UniqueProduct(), 10) };
            var created = await (await Send(body, key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
            var replayed = await (await Send(body, key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
            var read = await (await _admin.GetAsync($"/api/promotions/definitions/{created["id"]}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

            foreach (var field in new[] { "createdAt", "updatedAt" })
            {
                Assert.Equal(created[field]!.GetValue<string>(), replayed[field]!.GetValue<string>());
                Assert.Equal(created[field]!.GetValue<string>(), read[field]!.GetValue<string>());
            }
        }

        Task<HttpResponseMessage> Send(JsonObject content, string idempotencyKey)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/promotions/definitions") { Content = JsonContent.Create(content) };
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            return _admin.SendAsync(request, Ct);
        }
    }

    [Fact]
    public async Task Create_SameIdempotencyKeySameDefinitionOtherReason_Returns409_AndKeepsTheFirstReason()
    {
        var key = Guid.NewGuid().ToString();
        var definition = PromotionsTestClient.PercentOffProduct(PromotionsTestClient.UniqueProduct(), 10);

        var first = await (await Send(new JsonObject { ["definition"] = definition.DeepClone(), ["reason"] = "launch for spring" }))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var again = await (await Send(new JsonObject { ["definition"] = definition.DeepClone(), ["reason"] = "launch for spring" }))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var otherReason = await Send(new JsonObject { ["definition"] = definition.DeepClone(), ["reason"] = "a different reason" });
        var noReason = await Send(new JsonObject { ["definition"] = definition.DeepClone() });

        Assert.Equal(first["id"]!.GetValue<Guid>(), again["id"]!.GetValue<Guid>());
        await otherReason.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await noReason.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        var history = await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{first["id"]}/history", Ct);
        Assert.Equal("launch for spring", Assert.Single(history!["items"]!.AsArray())!["reason"]!.GetValue<string>());

        Task<HttpResponseMessage> Send(JsonObject content)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/promotions/definitions") { Content = JsonContent.Create(content) };
            request.Headers.Add("Idempotency-Key", key);
            return _admin.SendAsync(request, Ct);
        }
    }

    [Fact]
    public async Task EditPublishRollback_KeepsEveryVersion_DiffShowsChange_LiveFollowsPublish()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 10));

        var edited = await (await _admin.PutAsJsonAsync($"/api/promotions/definitions/{id}",
            new JsonObject { ["definition"] = PromotionsTestClient.PercentOffProduct(product, 25), ["reason"] = "weekend" }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(1, edited["liveVersion"]!.GetValue<int>());
        Assert.True(edited["hasUnpublishedChanges"]!.GetValue<bool>());

        var diff = await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}/diff?from=1&to=2", Ct);
        var change = Assert.Single(diff!["changes"]!.AsArray());
        Assert.Equal("$.action.percent", change!["path"]!.GetValue<string>());
        Assert.Equal(10m, change["from"]!.GetValue<decimal>());
        Assert.Equal(25m, change["to"]!.GetValue<decimal>());

        await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/publish", new JsonObject(), Ct);
        var rolledBack = await (await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/rollback",
            new JsonObject { ["version"] = 1, ["reason"] = "too generous" }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal(3, rolledBack["liveVersion"]!.GetValue<int>());
        Assert.Equal(10m, rolledBack["definition"]!["action"]!["percent"]!.GetValue<decimal>());
        var versions = (await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}/versions", Ct))!["items"]!.AsArray();
        Assert.Equal([1, 2, 3], versions!.Select(version => version!["version"]!.GetValue<int>()));
        Assert.Equal(1, versions![2]!["restoredFrom"]!.GetValue<int>());
        Assert.Equal("too generous", versions[2]!["reason"]!.GetValue<string>());
        Assert.StartsWith("api-key:", versions[0]!["changedBy"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollback_ToAVersionThatDoesNotExist_Returns404Problem_NothingChanges()
    {
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(PromotionsTestClient.UniqueProduct(), 10));

        var response = await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/rollback", new JsonObject { ["version"] = 99 }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("Version not found", problem.Title);
        Assert.Contains("99", problem.Detail, StringComparison.Ordinal);
        var promotion = await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}", Ct);
        Assert.Equal(1, promotion!["latestVersion"]!.GetValue<int>());
    }

    [Fact]
    public async Task Rollback_ToAVersionTodaysRulesRefuse_Refused422NamingTheField_NothingChanges()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 10));
        await (await _admin.PutAsJsonAsync($"/api/promotions/definitions/{id}",
            new JsonObject { ["definition"] = PromotionsTestClient.PercentOffProduct(product, 20) }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await (await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/publish", new JsonObject(), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        // Version 1 as a version stored before mixed tiers were refused.
        const string mixedTiers = """{"name":"old tiers","currency":"EUR","action":{"type":"tieredOrder","tiers":[{"threshold":100,"percent":50},{"threshold":200,"amountOff":10}]}}""";
        await factory.QueryDbAsync(db => db.PromotionVersions.Where(version => version.PromotionId == id && version.Version == 1)
            .ExecuteUpdateAsync(update => update.SetProperty(version => version.Definition, mixedTiers), Ct));

        var response = await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/rollback", new JsonObject { ["version"] = 1 }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("definition.action.tiers[1]", ((JsonElement)problem.Extensions["errors"]!).EnumerateObject().Select(error => error.Name));
        var promotion = await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}", Ct);
        Assert.Equal((2, 2), (promotion!["liveVersion"]!.GetValue<int>(), promotion["latestVersion"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Versions_PageOldestFirst_WithAfterCursor()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 10));
        foreach (var percent in new[] { 20, 30 })
        {
            await (await _admin.PutAsJsonAsync($"/api/promotions/definitions/{id}",
                new JsonObject { ["definition"] = PromotionsTestClient.PercentOffProduct(product, percent) }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        }

        var first = await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}/versions?limit=2", Ct);
        var second = await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}/versions?limit=2&after={first!["nextCursor"]}", Ct);
        var history = await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}/history?limit=1", Ct);

        Assert.Equal([1, 2], first["items"]!.AsArray().Select(version => version!["version"]!.GetValue<int>()));
        Assert.Equal([3], second!["items"]!.AsArray().Select(version => version!["version"]!.GetValue<int>()));
        Assert.Null(second["nextCursor"]);
        // Another list's cursor is not a version cursor.
        await (await _admin.GetAsync($"/api/promotions/definitions/{id}/versions?after={history!["nextCursor"]}", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.GetAsync($"/api/promotions/definitions/{id}/versions?limit=201", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task PauseResumeEnd_FollowLifecycle_EndedCannotChange()
    {
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(PromotionsTestClient.UniqueProduct(), 10));

        Assert.Equal("paused", (await Change(id, "pause"))["status"]!.GetValue<string>());
        Assert.Equal("active", (await Change(id, "resume"))["status"]!.GetValue<string>());
        Assert.Equal("ended", (await Change(id, "end"))["status"]!.GetValue<string>());

        var edit = await _admin.PutAsJsonAsync($"/api/promotions/definitions/{id}",
            new JsonObject { ["definition"] = PromotionsTestClient.PercentOffProduct("x", 5) }, Ct);
        await edit.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        foreach (var action in new[] { "resume", "publish", "pause" })
        {
            var refused = await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/{action}", new JsonObject { ["reason"] = "again" }, Ct);
            await refused.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        }

        async Task<JsonObject> Change(Guid promotion, string action) =>
            await (await _admin.PostAsJsonAsync($"/api/promotions/definitions/{promotion}/{action}", new JsonObject { ["reason"] = action }, Ct))
                .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Publish_ScheduledInFuture_StatusScheduled()
    {
        var definition = PromotionsTestClient.PercentOffProduct(PromotionsTestClient.UniqueProduct(), 10);
        definition["schedule"] = new JsonObject { ["startsAt"] = DateTimeOffset.UtcNow.AddDays(3) };
        var id = await _admin.PublishAsync(definition);

        var promotion = await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}", Ct);
        Assert.Equal("scheduled", promotion!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownPromotion_Returns404Problem()
    {
        foreach (var response in new[]
        {
            await _admin.GetAsync($"/api/promotions/definitions/{Guid.NewGuid()}", Ct),
            await _admin.PostAsJsonAsync($"/api/promotions/definitions/{Guid.NewGuid()}/publish", new JsonObject(), Ct),
            await _admin.PostAsJsonAsync($"/api/promotions/definitions/{Guid.NewGuid()}/rollback", new JsonObject { ["version"] = 1 }, Ct),
        })
        {
            await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task AdminEndpoints_WithStorefrontOrPartnerToken_Return403_WithoutToken401()
    {
        var storefront = await factory.Storefront().GetAsync("/api/promotions/definitions", Ct);
        var partner = await factory.CreatePartnerClient(Guid.NewGuid()).GetAsync("/api/promotions/definitions", Ct);
        var anonymous = await factory.CreateAnonymousClient().GetAsync("/api/promotions/definitions", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, storefront.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, partner.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task List_PagesWithCursor_FiltersByStatus()
    {
        for (var index = 0; index < 3; index++)
        {
            await _admin.PostAsJsonAsync("/api/promotions/definitions",
                new JsonObject { ["definition"] = PromotionsTestClient.PercentOffProduct(PromotionsTestClient.UniqueProduct(), 10) }, Ct);
        }

        var first = await _admin.GetFromJsonAsync<JsonObject>("/api/promotions/definitions?limit=2&status=draft", Ct);
        var second = await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions?limit=2&status=draft&after={first!["nextCursor"]}", Ct);

        Assert.Equal(2, first["items"]!.AsArray().Count);
        Assert.NotEmpty(second!["items"]!.AsArray());
        Assert.All(first["items"]!.AsArray().Concat(second["items"]!.AsArray()), item => Assert.Equal("draft", item!["status"]!.GetValue<string>()));
        Assert.Empty(first["items"]!.AsArray().Select(item => item!["id"]!.GetValue<Guid>())
            .Intersect(second["items"]!.AsArray().Select(item => item!["id"]!.GetValue<Guid>())));
        await (await _admin.GetAsync("/api/promotions/definitions?limit=0", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.GetAsync("/api/promotions/definitions?after=nope", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        // The parameter's old name still pages (ignoring it would serve the first page forever).
        var byOldName = await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions?limit=2&status=draft&cursor={first["nextCursor"]}", Ct);
        Assert.Equal(second["items"]!.ToJsonString(), byOldName!["items"]!.ToJsonString());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
