using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>Two coupons instances on one database: the limits hold across instances, not just within one.</summary>
public sealed class TwoInstancesTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly CouponsApiFactory _first = new();
    private CouponsApiFactory _second = null!;

    public async ValueTask InitializeAsync()
    {
        await _first.InitializeAsync();
        // Both instances run in this process: its own application name gives the second its own connection pool, as a second
        // process has (one shared pool of 100 would be both instances' limit).
        _second = new CouponsApiFactory
        {
            SharedDatabaseConnectionString = _first.DatabaseConnectionString, ConnectionSettings = "Application Name=coupons-api-2",
        };
        await _second.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
    }

    [Fact]
    public async Task Reserve_200ConcurrentCheckoutsSplitOverTwoInstances_Exactly20Succeed()
    {
        var admin = _first.Admin();
        var (campaignId, code) = await admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 20, ["maxUsesPerCustomer"] = 1 });
        HttpClient[] instances = [_first.Storefront(), _second.Storefront()];

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(index =>
            instances[index % 2].ReserveAsync(Reservation(code, Guest($"shopper{index % 150}@example.com")))));

        Assert.Equal(20, responses.Count(response => response.StatusCode == HttpStatusCode.Created));
        Assert.Equal(180, responses.Count(response => response.StatusCode == HttpStatusCode.Conflict));
        var fromFirst = await admin.StatsAsync(campaignId);
        var fromSecond = await _second.Admin().StatsAsync(campaignId);
        Assert.Equal(20, fromFirst.Number("uses"));
        Assert.Equal(fromFirst.ToJsonString(), fromSecond.ToJsonString());
    }

    [Fact]
    public async Task DirectRedeem_1000ConcurrentOrdersOfA100UseCodeSplitOverTwoInstances_Exactly100Succeed()
    {
        var admin = _first.Admin();
        var campaignId = await admin.CreateCampaignAsync(new JsonObject { ["requireReservation"] = false });
        var code = await admin.CreateCodeAsync(campaignId, maxUses: 100);
        HttpClient[] instances = [_first.Storefront(), _second.Storefront()];

        var responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(index =>
            instances[index % 2].RedeemAsync(Redemption(code, $"two-{index}", null))));

        var outcomes = await responses.OutcomesAsync();
        Assert.True(100 == responses.Count(response => response.StatusCode == HttpStatusCode.Created), outcomes);
        Assert.True(900 == responses.Count(response => response.StatusCode == HttpStatusCode.Conflict), outcomes);
        var stats = await admin.StatsAsync(campaignId);
        Assert.Equal((100, 100), (stats.Number("uses"), stats.Number("redeemed")));
    }

    [Fact]
    public async Task Validate_CodeCachedOnOneInstanceRotatedOnTheOther_RetiredOnBoth()
    {
        await _second.CodeCacheInUseAsync();
        var (_, code) = await _first.Admin().CampaignWithCodeAsync(partnerId: Guid.NewGuid());
        Assert.True((await _second.Storefront().ValidateAsync(Validation(code)))["valid"]!.GetValue<bool>());

        var rotated = await _first.Admin().PostAsJsonAsync($"/api/coupons/codes/{code}/rotation", new JsonObject(), Ct);
        Assert.Equal(HttpStatusCode.Created, rotated.StatusCode);

        // The second instance hears of it through Redis, within milliseconds; far sooner than its cache would expire.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while ((await _second.Storefront().ValidateAsync(Validation(code))).Reason() != "retired")
        {
            Assert.True(DateTime.UtcNow < deadline, "The second instance still validates the rotated code.");
            await Task.Delay(20, Ct);
        }
    }

    [Fact]
    public async Task CancelGenerationJob_OnEitherInstance_StopsTheJobAndDisablesItsCodesOnBoth()
    {
        await _first.CodeCacheInUseAsync();
        var admin = _first.Admin();
        var campaignId = await admin.CreateCampaignAsync();
        var job = await (await admin.PostAsJsonAsync($"/api/coupons/campaigns/{campaignId}/generation-jobs",
            new JsonObject { ["pattern"] = "****-****-##", ["prefix"] = UniqueCode("TX")[..8] + "-", ["count"] = 500_000 }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Accepted);
        var jobId = job["id"]!.GetValue<Guid>();
        await Eventually.UntilAsync(async () => await JobAsync(_first, jobId) is var progress && progress.Number("generated") > 0,
            TimeSpan.FromSeconds(60), "the job runs");
        var code = await _first.QueryDbAsync(db => db.Codes.Where(coupon => coupon.GenerationJobId == jobId).Select(coupon => coupon.Code).FirstAsync(Ct));
        Assert.True((await _first.Storefront().ValidateAsync(Validation(code)))["valid"]!.GetValue<bool>()); // now cached there

        // Whichever instance runs the job, the other may be asked: the request is the job's row, not a message to its worker.
        var cancelled = await (await _second.Admin().PostAsync($"/api/coupons/generation-jobs/{jobId}/cancel", null, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal("cancelled", cancelled["status"]!.GetValue<string>());
        Assert.Equal(cancelled.ToJsonString(), (await JobAsync(_first, jobId)).ToJsonString());
        Assert.Equal(cancelled.ToJsonString(), (await (await _first.Admin().PostAsync($"/api/coupons/generation-jobs/{jobId}/cancel", null, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK)).ToJsonString());
        Assert.Equal(cancelled.Number("generated"),
            await _first.QueryDbAsync(db => db.Codes.CountAsync(coupon => coupon.GenerationJobId == jobId && coupon.DisabledAt != null, Ct)));
        Assert.Equal("disabled", (await _second.Storefront().ValidateAsync(Validation(code))).Reason());
        // The first instance hears of it through Redis, far sooner than its cache would expire.
        await Eventually.UntilAsync(async () => (await _first.Storefront().ValidateAsync(Validation(code))).Reason() == "disabled",
            TimeSpan.FromSeconds(5), "the first instance's cached copy is cleared");
    }

    private static async Task<JsonObject> JobAsync(CouponsApiFactory instance, Guid jobId) =>
        await (await instance.Admin().GetAsync($"/api/coupons/generation-jobs/{jobId}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

    [Fact]
    public async Task Redeem_SameOrderOnBothInstances_OneRedemption()
    {
        var (campaignId, code) = await _first.Admin().CampaignWithCodeAsync(new JsonObject { ["requireReservation"] = false });
        HttpClient[] instances = [_first.Storefront(), _second.Storefront()];

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(index =>
            instances[index % 2].RedeemAsync(Redemption(code, "order-two-instances", null))));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        Assert.Equal(1, (await _first.Admin().StatsAsync(campaignId)).Number("uses"));
    }
}
