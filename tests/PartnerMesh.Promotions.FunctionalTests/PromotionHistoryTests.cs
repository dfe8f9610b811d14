using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Promotions.FunctionalTests.PromotionsTestClient;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>
/// Every change leaves history with who, when and why: a promotion's edits and lifecycle transitions
/// (<c>/definitions/{id}/history</c>) and the project settings, the kill switch above all (<c>/settings/history</c>).
/// </summary>
public sealed class PromotionHistoryTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private const string Definitions = "/api/promotions/definitions";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();

    [Fact]
    public async Task Lifecycle_EveryEditAndTransition_IsInTheHistory_WithFromToWhoWhenWhy()
    {
        var product = UniqueProduct();
        var created = await (await _admin.PostAsJsonAsync(Definitions,
            new JsonObject { ["definition"] = PercentOffProduct(product, 10), ["reason"] = "spring" }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var id = created["id"]!.GetValue<Guid>();
        await (await _admin.PutAsJsonAsync($"{Definitions}/{id}",
            new JsonObject { ["definition"] = PercentOffProduct(product, 15), ["reason"] = "a bit more" }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await ChangeAsync(id, "publish", "go");
        await ChangeAsync(id, "pause", "too generous");
        await ChangeAsync(id, "pause", "already paused"); // nothing changes: nothing recorded
        await ChangeAsync(id, "resume", null);
        await ChangeAsync(id, "end", "campaign over");

        var history = await HistoryAsync(id, "");
        var entries = history["items"]!.AsArray().Select(entry => entry!.AsObject()).ToList();

        Assert.Equal(["ended", "resumed", "paused", "published", "edited", "created"], entries.Select(entry => entry["action"]!.GetValue<string>()));
        Assert.Equal([("published", "ended"), ("paused", "published"), ("published", "paused"), ("draft", "published"), ("draft", "draft"), (null, "draft")],
            entries.Select(entry => (entry["fromState"]?.GetValue<string>(), entry["toState"]!.GetValue<string>())));
        Assert.Equal(["campaign over", null, "too generous", "go", "a bit more", "spring"], entries.Select(entry => entry["reason"]?.GetValue<string>()));
        Assert.Equal([2, 2, 2, 2, 2, 1], entries.Select(entry => entry["version"]!.GetValue<int>()));
        Assert.All(entries, entry => Assert.StartsWith("api-key:", entry["changedBy"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.All(entries.Take(4), entry => Assert.NotNull(entry["ruleSetVersion"])); // each went live
        Assert.All(entries.Skip(4), entry => Assert.Null(entry["ruleSetVersion"])); // drafts did not
        var times = entries.Select(entry => entry["changedAt"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.Equal(times.OrderDescending(), times);
        Assert.Null(history["nextCursor"]);
    }

    [Fact]
    public async Task Publish_WhenTheLatestVersionIsAlreadyLive_ChangesNothing_NoHistoryNoRuleSetBumpNoEvent()
    {
        var product = UniqueProduct();
        var id = await _admin.PublishAsync(PercentOffProduct(product, 10));
        var ruleSetBefore = (await factory.Storefront().EvaluateAsync(Cart(("l", product, 1, 20m, null))))["ruleSetVersion"]!.GetValue<long>();

        var again = await (await _admin.PostAsJsonAsync($"{Definitions}/{id}/publish", new JsonObject { ["reason"] = "again" }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal(("active", 1, false), (again["status"]!.GetValue<string>(), again["liveVersion"]!.GetValue<int>(), again["hasUnpublishedChanges"]!.GetValue<bool>()));
        Assert.Equal(["published", "created"], (await HistoryAsync(id, ""))["items"]!.AsArray().Select(entry => entry!["action"]!.GetValue<string>()));
        var evaluation = await factory.Storefront().EvaluateAsync(Cart(("l", product, 1, 20m, null)));
        Assert.NotNull(evaluation.Applied(id));
        Assert.Equal(ruleSetBefore, evaluation["ruleSetVersion"]!.GetValue<long>());
        Assert.Equal(1, await CountOutboxAsync("promotion-published", id));
    }

    [Fact]
    public async Task Rollout_WithAnUnpublishedEditPending_GoesLive_AndTheEditStaysPendingWithTheNewShare()
    {
        var product = UniqueProduct();
        var id = await _admin.PublishAsync(PercentOffProduct(product, 10).With("rolloutPercent", 50));
        await (await _admin.PutAsJsonAsync($"{Definitions}/{id}",
            new JsonObject { ["definition"] = PercentOffProduct(product, 99).With("rolloutPercent", 50), ["reason"] = "not yet" }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var rolled = await (await _admin.PutAsJsonAsync($"{Definitions}/{id}/rollout", new JsonObject { ["percent"] = 100, ["reason"] = "all in" }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal((3, 4, true), (rolled["liveVersion"]!.GetValue<int>(), rolled["latestVersion"]!.GetValue<int>(), rolled["hasUnpublishedChanges"]!.GetValue<bool>()));
        Assert.Equal((99m, 100), (rolled["definition"]!["action"]!["percent"]!.GetValue<decimal>(), rolled["definition"]!["rolloutPercent"]!.GetValue<int>()));
        var live = await (await _admin.GetAsync($"{Definitions}/{id}/versions/3", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal((true, 10m, 100), (live["isLive"]!.GetValue<bool>(), live["definition"]!["action"]!["percent"]!.GetValue<decimal>(), live["definition"]!["rolloutPercent"]!.GetValue<int>()));
        var evaluation = await factory.Storefront().EvaluateAsync(Cart(("l", product, 1, 20m, null)).With("visitorId", $"v-{Guid.NewGuid():N}"));
        Assert.Equal(2m, evaluation.Applied(id)!["amount"]!.GetValue<decimal>()); // the live 10 % reaches everyone; the 99 % edit is not live
        Assert.Equal("rolloutChanged", (await HistoryAsync(id, ""))["items"]![0]!["action"]!.GetValue<string>());

        var published = await (await _admin.PostAsJsonAsync($"{Definitions}/{id}/publish", new JsonObject { ["reason"] = "now" }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal((4, 100), (published["liveVersion"]!.GetValue<int>(), published["definition"]!["rolloutPercent"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Rollout_ToTheShareAlreadyLive_ChangesNothing_NoVersionNoHistoryNoEvent()
    {
        var id = await _admin.PublishAsync(PercentOffProduct(UniqueProduct(), 10).With("rolloutPercent", 50));

        var same = await (await _admin.PutAsJsonAsync($"{Definitions}/{id}/rollout", new JsonObject { ["percent"] = 50, ["reason"] = "same" }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal((1, 1), (same["liveVersion"]!.GetValue<int>(), same["latestVersion"]!.GetValue<int>()));
        Assert.Equal(["published", "created"], (await HistoryAsync(id, ""))["items"]!.AsArray().Select(entry => entry!["action"]!.GetValue<string>()));
        Assert.Equal(0, await CountOutboxAsync("promotion-rollout-changed", id));
        Assert.Equal(1, await CountOutboxAsync("promotion-published", id));
    }

    [Fact]
    public async Task History_PagesNewestFirst_WithAfterCursor()
    {
        var id = await _admin.PublishAsync(PercentOffProduct(UniqueProduct(), 10));
        await ChangeAsync(id, "pause", "one");
        await ChangeAsync(id, "resume", "two");

        var first = await HistoryAsync(id, "?limit=2");
        var second = await HistoryAsync(id, $"?limit=2&after={first["nextCursor"]!.GetValue<string>()}");

        Assert.Equal(["resumed", "paused"], first["items"]!.AsArray().Select(entry => entry!["action"]!.GetValue<string>()));
        Assert.Equal(["published", "created"], second["items"]!.AsArray().Select(entry => entry!["action"]!.GetValue<string>()));
        Assert.Null(second["nextCursor"]);
        await (await _admin.GetAsync($"{Definitions}/{id}/history?after=nope", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.GetAsync($"{Definitions}/{Guid.NewGuid()}/history", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("pause", "{}")]
    [InlineData("pause", """{"reason":"  "}""")]
    [InlineData("end", "")]
    public async Task PauseOrEnd_WithoutAReason_ChangesTheStateAndRecordsWhoAndWhen(string action, string body)
    {
        var product = UniqueProduct();
        var id = await _admin.PublishAsync(PercentOffProduct(product, 10));

        var response = await _admin.PostAsync($"{Definitions}/{id}/{action}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        await response.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Null((await factory.Storefront().EvaluateAsync(Cart(("l", product, 1, 20m, null)))).Applied(id));
        var latest = (await HistoryAsync(id, ""))["items"]![0]!;
        Assert.Equal(action == "pause" ? "paused" : "ended", latest["action"]!.GetValue<string>());
        Assert.Null(latest["reason"]);
        Assert.StartsWith("api-key:", latest["changedBy"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PauseWithAReasonOver500Characters_Returns400_AndChangesNothing()
    {
        var product = UniqueProduct();
        var id = await _admin.PublishAsync(PercentOffProduct(product, 10));

        var response = await _admin.PostAsJsonAsync($"{Definitions}/{id}/pause", new JsonObject { ["reason"] = new string('x', 501) }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("reason", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
        Assert.NotNull((await factory.Storefront().EvaluateAsync(Cart(("l", product, 1, 20m, null)))).Applied(id));
        Assert.Equal(2, (await HistoryAsync(id, ""))["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task ExperimentWinner_EndsTheLosingPromotion_WithAnEntryInItsHistory()
    {
        var product = UniqueProduct();
        var loser = await _admin.PublishAsync(PercentOffProduct(product, 10));
        var winner = await _admin.PublishAsync(PercentOffProduct(product, 20));
        var experiment = (await (await _admin.PostAsJsonAsync("/api/promotions/experiments", new JsonObject
        {
            ["name"] = "history",
            ["variants"] = new JsonArray(
                new JsonObject { ["key"] = "ten", ["promotionId"] = loser, ["weight"] = 50 },
                new JsonObject { ["key"] = "twenty", ["promotionId"] = winner, ["weight"] = 50 }),
        }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        await (await _admin.PostAsync($"/api/promotions/experiments/{experiment}/start", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        await (await _admin.PostAsJsonAsync($"/api/promotions/experiments/{experiment}/winner", new JsonObject { ["variant"] = "twenty" }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var latest = (await HistoryAsync(loser, ""))["items"]![0]!;
        Assert.Equal("ended", latest["action"]!.GetValue<string>());
        Assert.Equal("published", latest["fromState"]!.GetValue<string>());
        Assert.Contains(experiment.ToString(), latest["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("published", (await HistoryAsync(winner, ""))["items"]![0]!["action"]!.GetValue<string>());
    }

    [Fact]
    public async Task KillSwitch_EveryFlipIsInTheSettingsHistory_WithWhoAndWhy()
    {
        try
        {
            var on = await (await _admin.PutAsJsonAsync("/api/promotions/settings",
                new JsonObject { ["killSwitch"] = true, ["reason"] = "pricing incident #42" }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
            Assert.True(on["killSwitch"]!.GetValue<bool>());
            Assert.Equal("pricing incident #42", on["lastChange"]!["reason"]!.GetValue<string>());
        }
        finally
        {
            await (await _admin.PutAsJsonAsync("/api/promotions/settings",
                new JsonObject { ["killSwitch"] = false, ["reason"] = "incident #42 fixed" }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        }

        await (await _admin.PutAsJsonAsync("/api/promotions/settings", new JsonObject { ["stackingMode"] = "bestDeal" }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await (await _admin.PutAsJsonAsync("/api/promotions/settings", new JsonObject { ["stackingMode"] = "stack", ["reason"] = "back" }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var history = await (await _admin.GetAsync("/api/promotions/settings/history?limit=4", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var entries = history["items"]!.AsArray().Select(entry => entry!.AsObject()).ToList();
        Assert.Equal(["back", null, "incident #42 fixed", "pricing incident #42"], entries.Select(entry => entry["reason"]?.GetValue<string>()));
        var flips = entries.Skip(2).Select(entry => Assert.Single(entry["changes"]!.AsArray())!).ToList();
        Assert.All(flips, change => Assert.Equal("killSwitch", change["setting"]!.GetValue<string>()));
        Assert.Equal([(true, false), (false, true)], flips.Select(change => (change["from"]!.GetValue<bool>(), change["to"]!.GetValue<bool>())));
        Assert.Equal("bestDeal", entries[1]["changes"]![0]!["to"]!.GetValue<string>());
        Assert.All(entries, entry => Assert.StartsWith("api-key:", entry["changedBy"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.All(entries, entry => Assert.True(entry["ruleSetVersion"]!.GetValue<long>() > 0));
        var settings = await (await _admin.GetAsync("/api/promotions/settings", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(entries[0]["id"]!.GetValue<Guid>(), settings["lastChange"]!["id"]!.GetValue<Guid>());
    }

    private Task<int> CountOutboxAsync(string urnPart, Guid promotion) =>
        factory.QueryDbAsync(async db => (await db.Set<PartnerMesh.Outbox.OutboxMessage>().Where(message => message.MessageUrn.Contains(urnPart))
            .Select(message => message.Payload).ToListAsync(Ct)).Count(payload => payload.Contains(promotion.ToString(), StringComparison.Ordinal)));

    private async Task ChangeAsync(Guid id, string action, string? reason) =>
        await (await _admin.PostAsJsonAsync($"{Definitions}/{id}/{action}", new JsonObject { ["reason"] = reason }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

    private async Task<JsonObject> HistoryAsync(Guid id, string query) =>
        await (await _admin.GetAsync($"{Definitions}/{id}/history{query}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
}
