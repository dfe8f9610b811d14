using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartnerMesh.Coupons.Api;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// Stored <c>Idempotency-Key</c>s last <see cref="CouponsOptions.IdempotencyKeyRetention"/>: a younger key still answers
/// with what it created; the sweep forgets an older one, and the key then makes a new request. Redemptions stay idempotent
/// by order id after their key is gone. Keys are aged by setting their stored time back; the sweep the background service
/// runs is called directly.
/// </summary>
public sealed class IdempotencyKeyRetentionTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    private TimeSpan Retention => factory.Services.GetRequiredService<IOptions<CouponsOptions>>().Value.IdempotencyKeyRetention;

    [Fact]
    public async Task CreateCampaign_KeyOlderThanTheRetention_IsForgotten_AndTheSameRequestCreatesANewCampaign_WhileAYoungerKeyStillAnswers()
    {
        var expiredKey = NewKey();
        var youngKey = NewKey();
        var body = new JsonObject { ["name"] = $"retention-{expiredKey}", ["promotionId"] = Guid.NewGuid() };
        var youngBody = new JsonObject { ["name"] = $"retention-{youngKey}", ["promotionId"] = Guid.NewGuid() };
        var first = await IdOfAsync(await PostAsync(_admin, "/api/coupons/campaigns", body, expiredKey), HttpStatusCode.Created);
        var young = await IdOfAsync(await PostAsync(_admin, "/api/coupons/campaigns", youngBody, youngKey), HttpStatusCode.Created);
        await AgeAsync(expiredKey, Retention + TimeSpan.FromMinutes(1));
        await AgeAsync(youngKey, Retention - TimeSpan.FromHours(1));

        await SweepAsync(); // what it reports is not asserted: the hosted sweeper may take the rows first

        Assert.False(await factory.QueryDbAsync(db => db.IdempotencyKeys.AnyAsync(record => record.Key == expiredKey, Ct)));
        Assert.True(await factory.QueryDbAsync(db => db.IdempotencyKeys.AnyAsync(record => record.Key == youngKey, Ct)));
        var again = await IdOfAsync(await PostAsync(_admin, "/api/coupons/campaigns", body, expiredKey), HttpStatusCode.Created);
        Assert.NotEqual(first, again);
        Assert.Equal(young, await IdOfAsync(await PostAsync(_admin, "/api/coupons/campaigns", youngBody, youngKey), HttpStatusCode.OK));
        var name = body["name"]!.GetValue<string>();
        Assert.Equal(2, await factory.QueryDbAsync(db => db.Campaigns.CountAsync(campaign => campaign.Name == name, Ct)));
    }

    [Fact]
    public async Task Redeem_KeyOlderThanTheRetention_IsForgotten_TheSameOrderStillReplaysItsRedemption()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync();
        var key = NewKey();
        var redemption = Redemption(code, $"order-{Guid.NewGuid():N}", await _storefront.ReserveOkAsync(code));
        var created = await (await PostAsync(_storefront, "/api/coupons/redemptions", redemption, key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        await AgeAsync(key, Retention + TimeSpan.FromMinutes(1));

        await SweepAsync(); // what it reports is not asserted: the hosted sweeper may take the rows first

        Assert.False(await factory.QueryDbAsync(db => db.IdempotencyKeys.AnyAsync(record => record.Key == key, Ct)));
        var retry = await PostAsync(_storefront, "/api/coupons/redemptions", redemption, key);
        Assert.Equal(created.ToJsonString(), (await retry.ShouldBeAsync<JsonObject>(HttpStatusCode.Created)).ToJsonString());
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("redeemed"));
    }

    [Fact]
    public async Task Sweep_BacklogLargerThanABatch_DeletesItAllInBatches()
    {
        var operation = $"backlog-{Guid.NewGuid():N}"[..32];
        var aged = DateTimeOffset.UtcNow - Retention - TimeSpan.FromDays(1);
        await factory.QueryDbAsync(db => db.Database.ExecuteSqlAsync($"""
            INSERT INTO idempotency_keys (operation, key, fingerprint, resource_id, created_at)
            SELECT {operation}, 'key-' || n, 'fingerprint', gen_random_uuid(), {aged} FROM generate_series(1, {IdempotencyKeySweeper.BatchSize + 1}) AS n
            """, Ct));

        // One call empties a backlog of more than one batch (the hosted sweeper may take some of the rows meanwhile, so
        // the count this call reports is not asserted).
        await SweepAsync();

        Assert.False(await factory.QueryDbAsync(db => db.IdempotencyKeys.AnyAsync(record => record.Operation == operation, Ct)));
    }

    private Task<int> SweepAsync() => factory.Services.GetRequiredService<IdempotencyKeySweeper>().SweepAsync(Ct);

    private Task<int> AgeAsync(string key, TimeSpan age) =>
        factory.QueryDbAsync(db => db.IdempotencyKeys.Where(record => record.Key == key)
            .ExecuteUpdateAsync(setters => setters.SetProperty(record => record.CreatedAt, DateTimeOffset.UtcNow - age), Ct));

    private static async Task<Guid> IdOfAsync(HttpResponseMessage response, HttpStatusCode expected) =>
        (await response.ShouldBeAsync<JsonObject>(expected))["id"]!.GetValue<Guid>();

    private static string NewKey() => $"key-{Guid.NewGuid():N}";

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, JsonObject body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return client.SendAsync(request, Ct);
    }
}
