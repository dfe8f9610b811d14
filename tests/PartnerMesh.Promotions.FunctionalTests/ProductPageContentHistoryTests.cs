using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Promotions.FunctionalTests.PromotionsTestClient;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>
/// Every change to a product-page content entry leaves history with who, when and why
/// (<c>/product-page/contents/{id}/history</c>), as a promotion's does: edits and lifecycle transitions, newest first.
/// </summary>
public sealed class ProductPageContentHistoryTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private const string Contents = "/api/promotions/product-page/contents";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Lifecycle_EveryEditAndTransition_IsInTheHistory_WithFromToWhoWhenWhy()
    {
        var product = UniqueProduct();
        var id = await CreateAsync(product, "v1", "spring");
        await (await _admin.PutAsJsonAsync($"{Contents}/{id}", Save(product, "v2", "new copy"), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await ChangeAsync(id, "publish", new JsonObject { ["reason"] = "go" });
        await ChangeAsync(id, "pause", new JsonObject { ["reason"] = "  banner typo  " });
        var pausedAgain = await ChangeAsync(id, "pause", new JsonObject { ["reason"] = "already paused" }); // nothing changes: nothing recorded
        await ChangeAsync(id, "resume", new JsonObject());
        await ChangeAsync(id, "publish", new JsonObject { ["version"] = 1, ["reason"] = "v2 confused people" });
        await ChangeAsync(id, "end", new JsonObject { ["reason"] = "campaign over" });

        var history = await HistoryAsync(id, "");
        var entries = history["items"]!.AsArray().Select(entry => entry!.AsObject()).ToList();

        Assert.Equal("paused", pausedAgain["status"]!.GetValue<string>());
        Assert.Equal(["ended", "rolledBack", "resumed", "paused", "published", "edited", "created"], entries.Select(entry => entry["action"]!.GetValue<string>()));
        Assert.Equal([("published", "ended"), ("published", "published"), ("paused", "published"), ("published", "paused"), ("draft", "published"),
            ("draft", "draft"), (null, "draft")], entries.Select(entry => (entry["fromState"]?.GetValue<string>(), entry["toState"]!.GetValue<string>())));
        Assert.Equal(["campaign over", "v2 confused people", null, "banner typo", "go", "new copy", "spring"], entries.Select(entry => entry["reason"]?.GetValue<string>()));
        Assert.Equal([1, 1, 2, 2, 2, 2, 1], entries.Select(entry => entry["version"]!.GetValue<int>()));
        Assert.All(entries, entry => Assert.Equal(id, entry["contentId"]!.GetValue<Guid>()));
        Assert.All(entries, entry => Assert.StartsWith("api-key:", entry["changedBy"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.All(entries.Take(5), entry => Assert.NotNull(entry["ruleSetVersion"])); // each went live
        Assert.All(entries.Skip(5), entry => Assert.Null(entry["ruleSetVersion"])); // drafts did not
        var times = entries.Select(entry => entry["changedAt"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.Equal(times.OrderDescending(), times);
        Assert.Null(history["nextCursor"]);
    }

    [Fact]
    public async Task History_PagesNewestFirst_WithAfterCursor_UnknownEntryIs404()
    {
        var id = await CreateAsync(UniqueProduct(), "x", null);
        await ChangeAsync(id, "publish", new JsonObject());
        await ChangeAsync(id, "pause", new JsonObject { ["reason"] = "one" });
        await ChangeAsync(id, "resume", new JsonObject { ["reason"] = "two" });

        var first = await HistoryAsync(id, "?limit=2");
        var second = await HistoryAsync(id, $"?limit=2&after={first["nextCursor"]!.GetValue<string>()}");

        Assert.Equal(["resumed", "paused"], first["items"]!.AsArray().Select(entry => entry!["action"]!.GetValue<string>()));
        Assert.Equal(["published", "created"], second["items"]!.AsArray().Select(entry => entry!["action"]!.GetValue<string>()));
        Assert.Null(second["nextCursor"]);
        await (await _admin.GetAsync($"{Contents}/{id}/history?after=nope", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.GetAsync($"{Contents}/{id}/history?limit=0", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.GetAsync($"{Contents}/{Guid.NewGuid()}/history", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Publish_TheVersionAlreadyLive_ChangesAndRecordsNothing()
    {
        var id = await CreateAsync(UniqueProduct(), "once", null);
        await ChangeAsync(id, "publish", new JsonObject { ["reason"] = "go" });
        var before = await (await _admin.GetAsync($"{Contents}/{id}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var again = await ChangeAsync(id, "publish", new JsonObject { ["reason"] = "again" });
        var explicitly = await ChangeAsync(id, "publish", new JsonObject { ["version"] = 1, ["reason"] = "again, by number" });

        Assert.All([again, explicitly], entry => Assert.Equal(("active", 1), (entry["status"]!.GetValue<string>(), entry["liveVersion"]!.GetValue<int>())));
        Assert.Equal(before["updatedAt"]!.GetValue<DateTimeOffset>(), explicitly["updatedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(["published", "created"], (await HistoryAsync(id, ""))["items"]!.AsArray().Select(entry => entry!["action"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("pause")]
    [InlineData("end")]
    public async Task PauseOrEnd_WithAReasonOver500Characters_Returns400_AndChangesNothing(string action)
    {
        var product = UniqueProduct();
        var id = await CreateAsync(product, "still here", null);
        await ChangeAsync(id, "publish", new JsonObject());
        var before = await (await _admin.GetAsync($"{Contents}/{id}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var response = await _admin.PostAsJsonAsync($"{Contents}/{id}/{action}", new JsonObject { ["reason"] = new string('x', 501) }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("reason", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
        var after = await (await _admin.GetAsync($"{Contents}/{id}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal("active", after["status"]!.GetValue<string>());
        Assert.Equal(before["updatedAt"]!.GetValue<DateTimeOffset>(), after["updatedAt"]!.GetValue<DateTimeOffset>());
        var shown = await (await _storefront.PostAsJsonAsync("/api/promotions/product-page", new JsonObject { ["productId"] = product }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(id, shown["entryId"]!.GetValue<Guid>());
        Assert.Equal(["published", "created"], (await HistoryAsync(id, ""))["items"]!.AsArray().Select(entry => entry!["action"]!.GetValue<string>()));
    }

    private static JsonObject Save(string product, string banner, string? reason) => new()
    {
        ["definition"] = new JsonObject
        {
            ["name"] = "history",
            ["target"] = new JsonObject { ["productIds"] = new JsonArray(product) },
            ["variants"] = new JsonArray(new JsonObject { ["key"] = "main", ["weight"] = 100, ["content"] = new JsonObject { ["bannerMessage"] = banner } }),
        },
        ["reason"] = reason,
    };

    private async Task<Guid> CreateAsync(string product, string banner, string? reason) =>
        (await (await _admin.PostAsJsonAsync(Contents, Save(product, banner, reason), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<Guid>();

    private async Task<JsonObject> ChangeAsync(Guid id, string action, JsonObject body) =>
        await (await _admin.PostAsJsonAsync($"{Contents}/{id}/{action}", body, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

    private async Task<JsonObject> HistoryAsync(Guid id, string query) =>
        await (await _admin.GetAsync($"{Contents}/{id}/history{query}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
}
