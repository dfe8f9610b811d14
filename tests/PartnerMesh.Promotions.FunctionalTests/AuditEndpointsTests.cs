using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Promotions.FunctionalTests.PromotionsTestClient;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>The promotion audit over HTTP: on demand, and on every publish (a blocking conflict refuses the publish).</summary>
public sealed class AuditEndpointsTests(PromotionsApiFactory factory) : IClassFixture<PromotionsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();

    [Fact]
    public async Task Publish_StackingPastTheConfiguredMaximum_Refused422WithFindings_NothingPublished()
    {
        await SetMaximumAsync(50);
        try
        {
            var product = UniqueProduct();
            await _admin.PublishAsync(PercentOffProduct(product, 40m));
            var created = await _admin.PostAsJsonAsync("/api/promotions/definitions", new JsonObject { ["definition"] = PercentOffProduct(product, 30m) }, Ct);
            var id = (await created.ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<Guid>();

            var response = await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/publish", new JsonObject(), Ct);

            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.Contains("stacks_past_maximum", problem.Detail, StringComparison.Ordinal);
            Assert.Contains("58", problem.Detail, StringComparison.Ordinal); // 1 − 0.6 × 0.7 = 58 %
            var stored = await (await _admin.GetAsync($"/api/promotions/definitions/{id}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
            Assert.Equal("draft", stored["status"]!.GetValue<string>());
        }
        finally
        {
            await SetMaximumAsync(0);
        }
    }

    [Fact]
    public async Task Publish_ScheduleAlreadyEnded_Refused422()
    {
        var definition = PercentOffProduct(UniqueProduct(), 10m);
        definition["schedule"] = new JsonObject { ["startsAt"] = DateTimeOffset.UtcNow.AddDays(-3), ["endsAt"] = DateTimeOffset.UtcNow.AddDays(-1) };
        var created = await _admin.PostAsJsonAsync("/api/promotions/definitions", new JsonObject { ["definition"] = definition }, Ct);
        var id = (await created.ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<Guid>();

        var problem = await (await _admin.PostAsJsonAsync($"/api/promotions/definitions/{id}/publish", new JsonObject(), Ct))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("schedule_in_past", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollback_ToAVersionPublishRefuses_Refused422WithFindings_LikePublish()
    {
        var product = UniqueProduct();
        var impossible = PercentOffProduct(product, 10m).With("conditions", new JsonArray(
            new JsonObject { ["type"] = "touchpoint", ["touchpoints"] = new JsonArray("cart") },
            new JsonObject { ["type"] = "touchpoint", ["touchpoints"] = new JsonArray("checkout") }));
        // A draft whose only version publish refuses…
        var draft = (await (await _admin.PostAsJsonAsync("/api/promotions/definitions", new JsonObject { ["definition"] = impossible.DeepClone() }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        await (await _admin.PostAsJsonAsync($"/api/promotions/definitions/{draft}/publish", new JsonObject(), Ct)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        // …and a live promotion whose unpublished edit publish refuses.
        var live = await _admin.PublishAsync(PercentOffProduct(product, 5m));
        await (await _admin.PutAsJsonAsync($"/api/promotions/definitions/{live}", new JsonObject { ["definition"] = impossible.DeepClone() }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var draftRollback = await _admin.PostAsJsonAsync($"/api/promotions/definitions/{draft}/rollback", new JsonObject { ["version"] = 1 }, Ct);
        var liveRollback = await _admin.PostAsJsonAsync($"/api/promotions/definitions/{live}/rollback", new JsonObject { ["version"] = 2 }, Ct);

        foreach (var response in new[] { draftRollback, liveRollback })
        {
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.Equal("impossible_conditions", ((System.Text.Json.JsonElement)problem.Extensions["reason"]!).GetString());
            Assert.True(problem.Extensions.ContainsKey("findings"));
        }

        var stillDraft = await (await _admin.GetAsync($"/api/promotions/definitions/{draft}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var stillLive = await (await _admin.GetAsync($"/api/promotions/definitions/{live}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(("draft", 1), (stillDraft["status"]!.GetValue<string>(), stillDraft["latestVersion"]!.GetValue<int>()));
        Assert.Equal((1, 2), (stillLive["liveVersion"]!.GetValue<int>(), stillLive["latestVersion"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Audit_ReportsOverlappingExclusivesAndEmptyAudiences()
    {
        var product = UniqueProduct();
        var first = await _admin.PublishAsync(PercentOffProduct(product, 10m).With("exclusivity", "exclusive"));
        var second = await _admin.PublishAsync(PercentOffProduct(product, 15m).With("exclusivity", "exclusive"));
        var nobody = await _admin.PublishAsync(PercentOffProduct(UniqueProduct(), 5m).With("rolloutPercent", 0));

        var report = await (await _admin.GetAsync("/api/promotions/audit", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var findings = report["findings"]!.AsArray().OfType<JsonObject>().ToList();
        Assert.Contains(findings, finding => finding["code"]!.GetValue<string>() == "overlapping_exclusive"
            && finding["promotionIds"]!.AsArray().Select(node => node!.GetValue<Guid>()).Order().SequenceEqual(new[] { first, second }.Order()));
        Assert.Contains(findings, finding => finding["code"]!.GetValue<string>() == "empty_audience"
            && finding["promotionIds"]![0]!.GetValue<Guid>() == nobody);
        Assert.True(report["promotionsAudited"]!.GetValue<int>() >= 3);
    }

    [Fact]
    public async Task Settings_MaximumOutOfRange_Returns400()
    {
        await (await _admin.PutAsJsonAsync("/api/promotions/settings", new JsonObject { ["maxCombinedDiscountPercent"] = 150 }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    private async Task SetMaximumAsync(decimal percent) =>
        await (await _admin.PutAsJsonAsync("/api/promotions/settings", new JsonObject { ["maxCombinedDiscountPercent"] = percent }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
}
