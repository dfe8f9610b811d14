using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// <c>Idempotency-Key</c> on every creating POST: a retry (also several at once) answers 200 with what the first created and
/// creates nothing; the same key with another request is a 409 problem.
/// </summary>
public sealed class IdempotencyKeyTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();

    [Fact]
    public async Task CreateCampaign_RetriedConcurrently_OneCampaign_RetriesAnswer200WithIt()
    {
        var key = NewKey();
        var name = $"idem-{key}";
        var body = new JsonObject { ["name"] = name, ["promotionId"] = Guid.NewGuid(), ["maxUses"] = 10 };

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostAsync("/api/coupons/campaigns", body, key)));

        var created = Assert.Single(responses, response => response.StatusCode == HttpStatusCode.Created);
        var id = (await created.ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        foreach (var retry in responses.Where(response => response != created))
        {
            Assert.Equal(id, (await retry.ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["id"]!.GetValue<Guid>());
        }

        Assert.Equal(1, await factory.QueryDbAsync(db => db.Campaigns.CountAsync(campaign => campaign.Name == name, Ct)));
    }

    [Fact]
    public async Task CreateCampaign_SameKeyOtherBody_Returns409_AndCreatesNothing()
    {
        var key = NewKey();
        var body = new JsonObject { ["name"] = $"idem-{key}", ["promotionId"] = Guid.NewGuid() };
        await (await PostAsync("/api/coupons/campaigns", body, key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var before = await factory.QueryDbAsync(db => db.Campaigns.CountAsync(Ct));
        body["maxUses"] = 5;

        Assert.Equal("idempotency_key_reused", await (await PostAsync("/api/coupons/campaigns", body, key)).ShouldBeRefusedAsync(HttpStatusCode.Conflict));

        Assert.Equal(before, await factory.QueryDbAsync(db => db.Campaigns.CountAsync(Ct)));
    }

    [Fact]
    public async Task CreateCampaign_OverlongKey_Returns400()
    {
        var body = new JsonObject { ["name"] = "idem", ["promotionId"] = Guid.NewGuid() };

        await (await PostAsync("/api/coupons/campaigns", body, new string('k', 101))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CreateCode_Retried_SameCode200_NoSecondCode_OtherBody409()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var key = NewKey();
        var body = new JsonObject { ["code"] = UniqueCode("IDEM"), ["maxUses"] = 3 };

        var first = await (await PostAsync($"/api/coupons/campaigns/{campaignId}/codes", body, key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var retry = await (await PostAsync($"/api/coupons/campaigns/{campaignId}/codes", body, key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var other = await PostAsync($"/api/coupons/campaigns/{campaignId}/codes", new JsonObject { ["code"] = UniqueCode("IDEM") }, key);

        Assert.Equal(first["id"]!.GetValue<Guid>(), retry["id"]!.GetValue<Guid>());
        Assert.Equal(first["code"]!.GetValue<string>(), retry["code"]!.GetValue<string>());
        Assert.Equal("idempotency_key_reused", await other.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Codes.CountAsync(code => code.CampaignId == campaignId, Ct)));
        Assert.Single(await factory.OutboxEventsAsync("coupon-issued"), node => node["campaignId"]!.GetValue<Guid>() == campaignId);
    }

    [Fact]
    public async Task CreateCode_SameKeyAndBodyForAnotherCampaign_Returns409()
    {
        var first = await _admin.CreateCampaignAsync();
        var second = await _admin.CreateCampaignAsync();
        var key = NewKey();
        var body = new JsonObject { ["code"] = UniqueCode("IDEM") };
        await (await PostAsync($"/api/coupons/campaigns/{first}/codes", body, key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("idempotency_key_reused", await (await PostAsync($"/api/coupons/campaigns/{second}/codes", body, key)).ShouldBeRefusedAsync(HttpStatusCode.Conflict));

        Assert.Equal(0, await factory.QueryDbAsync(db => db.Codes.CountAsync(code => code.CampaignId == second, Ct)));
    }

    [Fact]
    public async Task CreateGenerationJob_Retried_SameJob200_NoSecondJob_OtherBody409()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var key = NewKey();
        var body = new JsonObject { ["pattern"] = "IDEM-####-????", ["count"] = 20 };

        var first = await (await PostAsync($"/api/coupons/campaigns/{campaignId}/generation-jobs", body, key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Accepted);
        var retry = await (await PostAsync($"/api/coupons/campaigns/{campaignId}/generation-jobs", body, key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        body["count"] = 30;
        Assert.Equal("idempotency_key_reused",
            await (await PostAsync($"/api/coupons/campaigns/{campaignId}/generation-jobs", body, key)).ShouldBeRefusedAsync(HttpStatusCode.Conflict));

        Assert.Equal(first["id"]!.GetValue<Guid>(), retry["id"]!.GetValue<Guid>());
        Assert.Equal(1, await factory.QueryDbAsync(db => db.GenerationJobs.CountAsync(job => job.CampaignId == campaignId, Ct)));
        await Eventually.UntilAsync(async () => await factory.QueryDbAsync(db => db.Codes.CountAsync(code => code.CampaignId == campaignId, Ct)) == 20,
            because: "the one job generates its 20 codes");
    }

    [Fact]
    public async Task RotateCode_Retried_SameReplacement200_OtherBody409()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync(partnerId: Guid.NewGuid());
        var key = NewKey();

        var first = await (await PostAsync($"/api/coupons/codes/{code}/rotation", new JsonObject(), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var retry = await (await PostAsync($"/api/coupons/codes/{code}/rotation", new JsonObject(), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var other = await PostAsync($"/api/coupons/codes/{code}/rotation", new JsonObject { ["code"] = UniqueCode("IDEM") }, key);

        Assert.Equal(first["replacement"]!["code"]!.GetValue<string>(), retry["replacement"]!["code"]!.GetValue<string>());
        Assert.Equal(code, retry["retired"]!["code"]!.GetValue<string>());
        Assert.Equal("idempotency_key_reused", await other.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        var replacement = first["replacement"]!["code"]!.GetValue<string>();
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Codes.CountAsync(candidate => candidate.ReplacedById != null && candidate.Code == code, Ct)));
        Assert.Equal(1, await factory.QueryDbAsync(db => db.Codes.CountAsync(candidate => candidate.Source == "rotation" && candidate.CampaignId != Guid.Empty
            && candidate.Code == replacement, Ct)));
    }

    private static string NewKey() => $"key-{Guid.NewGuid():N}";

    private Task<HttpResponseMessage> PostAsync(string path, JsonObject body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return _admin.SendAsync(request, Ct);
    }
}
