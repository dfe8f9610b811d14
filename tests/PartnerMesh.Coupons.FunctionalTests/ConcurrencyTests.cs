using System.Data;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// Never an over-redemption: concurrent reservations and redemptions against every kind of limit, and storms of
/// reserve / expire / redeem / cancel / refund after which every counter equals the rows it counts.
/// </summary>
public sealed class ConcurrencyTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Redeem_200ConcurrentCheckoutsOfA20UseCode_Exactly20Succeed_Rest409()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var code = await _admin.CreateCodeAsync(campaignId, maxUses: 20);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(async index =>
        {
            var reserved = await _storefront.ReserveAsync(Reservation(code));
            if (reserved.StatusCode != HttpStatusCode.Created)
            {
                return (Status: reserved.StatusCode, Reason: await reserved.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
            }

            var reservationId = (await reserved.ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["reservationId"]!.GetValue<Guid>();
            var redeemed = await _storefront.RedeemAsync(Redemption(code, $"order-c{index}", reservationId));
            return (Status: redeemed.StatusCode, Reason: (string?)null);
        }));

        Assert.Equal(20, outcomes.Count(outcome => outcome.Status == HttpStatusCode.Created));
        Assert.Equal(180, outcomes.Count(outcome => outcome is { Status: HttpStatusCode.Conflict, Reason: "exhausted" }));
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((20, 20, 0), (stats.Number("uses"), stats.Number("redeemed"), stats.Number("held")));
    }

    [Fact]
    public async Task DirectRedeem_200ConcurrentOrdersOfA20UseCampaign_Exactly20Succeed_Rest409()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 20, ["requireReservation"] = false });

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(index => _storefront.RedeemAsync(Redemption(code, $"order-d{index}", null))));

        Assert.Equal(20, responses.Count(response => response.StatusCode == HttpStatusCode.Created));
        Assert.Equal(180, responses.Count(response => response.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(20, (await _admin.StatsAsync(campaignId)).Number("redeemed"));
    }

    [Fact]
    public async Task Reserve_GuestsSharingAnEmailInDifferentCasing_OnlyTheCustomerLimitSucceeds()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerCustomer"] = 2 });
        string[] spellings = ["shared@example.com", "SHARED@example.com", " Shared@Example.Com ", "shared@EXAMPLE.COM"];

        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(index =>
            _storefront.ReserveAsync(Reservation(code, Guest(spellings[index % spellings.Length])))));

        Assert.Equal(2, responses.Count(response => response.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(response => response.StatusCode != HttpStatusCode.Created))
        {
            Assert.Equal("customer_limit_reached", await refused.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        }

        Assert.Equal(2, (await _admin.StatsAsync(campaignId)).Number("uses"));
        await _storefront.ReserveOkAsync(code, Guest("someone.else@example.com"));
    }

    [Fact]
    public async Task Reserve_ConcurrentTrafficOfTwoPartners_EachPartnerGetsExactlyItsLimit()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerPartner"] = 5 });
        Guid[] partners = [Guid.NewGuid(), Guid.NewGuid()];

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(async index =>
        {
            var partner = partners[index % 2];
            return (Partner: partner, Response: await _storefront.ReserveAsync(Reservation(code, partnerId: partner)));
        }));

        foreach (var partner in partners)
        {
            Assert.Equal(5, responses.Count(entry => entry.Partner == partner && entry.Response.StatusCode == HttpStatusCode.Created));
        }

        Assert.Equal(90, responses.Count(entry => entry.Response.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(10, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Fact]
    public async Task Redeem_SameOrderConcurrently_OneUseOneAnswer()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 50 });
        var reservationId = await _storefront.ReserveOkAsync(code);

        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => _storefront.RedeemAsync(Redemption(code, "order-same", reservationId))));

        var bodies = await Task.WhenAll(responses.Select(response => response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created)));
        Assert.Single(bodies.Select(body => body["redemptionId"]!.GetValue<Guid>()).Distinct());
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Fact]
    public async Task Storm_ReserveExpireRedeemReleaseCancelRefund_CountersEqualRows()
    {
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject { ["maxUses"] = 40, ["maxUsesPerCustomer"] = 3, ["maxUsesPerPartner"] = 15 });
        var codes = new List<string>();
        for (var index = 0; index < 3; index++)
        {
            codes.Add(await _admin.CreateCodeAsync(campaignId, maxUses: 20));
        }

        Guid[] partners = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];
        var ttls = new[] { 1, 600 };

        await Task.WhenAll(Enumerable.Range(0, 240).Select(async index =>
        {
            var random = new Random(index);
            var code = codes[random.Next(codes.Count)];
            var customer = Guest($"storm{random.Next(12)}@Example.com");
            var reservation = await _storefront.ReserveAsync(Reservation(code, customer, partnerId: partners[random.Next(partners.Length)],
                ttlSeconds: ttls[random.Next(ttls.Length)]));
            if (reservation.StatusCode != HttpStatusCode.Created)
            {
                Assert.Equal(HttpStatusCode.Conflict, reservation.StatusCode);
                return;
            }

            var reservationId = (await reservation.ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["reservationId"]!.GetValue<Guid>();
            var orderId = $"storm-{index}";
            switch (random.Next(6))
            {
                case 0:
                    return; // abandoned: expires (ttl 1 s) or stays held
                case 1:
                    await _storefront.PostAsync($"/api/coupons/reservations/{reservationId}/release", null, Ct);
                    return;
            }

            var redeemed = await _storefront.RedeemAsync(Redemption(code, orderId, reservationId, customer));
            if (redeemed.StatusCode != HttpStatusCode.Created)
            {
                Assert.Equal(HttpStatusCode.Conflict, redeemed.StatusCode); // its 1 s reservation expired first
                return;
            }

            var replay = _storefront.RedeemAsync(Redemption(code, orderId, reservationId, customer));
            var undo = random.Next(4) switch
            {
                0 => _storefront.PostAsync($"/api/coupons/redemptions/{orderId}/cancellation", null, Ct),
                1 => _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{orderId}/refund", new JsonObject { ["refundId"] = $"full-{orderId}" }, Ct),
                2 => _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{orderId}/refund", new JsonObject { ["refundId"] = $"part-{orderId}", ["amount"] = 10 }, Ct),
                _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)),
            };
            var cancelsToo = random.Next(2) == 0;
            var second = cancelsToo
                ? _storefront.PostAsync($"/api/coupons/redemptions/{orderId}/cancellation", null, Ct)
                : Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
            await Task.WhenAll(replay, undo, second);
            Assert.Equal(HttpStatusCode.Created, (await replay).StatusCode);
            if ((await undo).StatusCode != HttpStatusCode.OK)
            {
                // A refund the concurrent cancellation got to first: the order's use was already given back.
                Assert.True(cancelsToo, $"Order {orderId}'s undo was refused without a concurrent cancellation.");
                Assert.Equal("order_cancelled", await (await undo).ShouldBeRefusedAsync(HttpStatusCode.Conflict));
            }
        }));

        await AssertCountersEqualRowsAsync(campaignId);
        // Once the short reservations expire and are swept, the counters still equal the rows.
        await Eventually.UntilAsync(async () => await factory.QueryDbAsync(db =>
            db.Reservations.AnyAsync(reservation => reservation.CampaignId == campaignId && reservation.Status == ReservationStatuses.Held
                && reservation.ExpiresAt < DateTimeOffset.UtcNow, Ct)) is false, TimeSpan.FromSeconds(30), "expired reservations are swept");
        await AssertCountersEqualRowsAsync(campaignId);
    }

    /// <summary>Every counter of the campaign equals the held reservations plus the active redemptions it counts.</summary>
    private async Task AssertCountersEqualRowsAsync(Guid campaignId)
    {
        var (counters, expected, codeKeys) = await factory.QueryDbAsync(async db =>
        {
            // One snapshot: the sweeper releases expired reservations meanwhile, and counters read before rows would disagree.
            await using var snapshot = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, Ct);
            var codeKeys = (await db.Codes.AsNoTracking().Where(code => code.CampaignId == campaignId).Select(code => code.Id).ToListAsync(Ct))
                .Select(id => $"code:{id:N}").ToHashSet();
            var counters = await db.UsageCounters.AsNoTracking().ToDictionaryAsync(counter => counter.Key, counter => counter.Uses, Ct);
            var held = await db.Reservations.AsNoTracking()
                .Where(reservation => reservation.CampaignId == campaignId && reservation.Status == ReservationStatuses.Held)
                .Select(reservation => reservation.CounterKeys).ToListAsync(Ct);
            var redeemed = await db.Redemptions.AsNoTracking()
                .Where(redemption => redemption.CampaignId == campaignId && redemption.Status == RedemptionStatuses.Redeemed)
                .Select(redemption => redemption.CounterKeys).ToListAsync(Ct);
            var expected = held.Concat(redeemed).SelectMany(keys => keys).GroupBy(key => key).ToDictionary(group => group.Key, group => group.Count());
            return (counters, expected, codeKeys);
        });
        var campaignKey = CounterClaim.CampaignKey(campaignId);
        var campaignPart = campaignId.ToString("N");
        foreach (var (key, uses) in counters.Where(counter => counter.Key == campaignKey || codeKeys.Contains(counter.Key)
            || counter.Key.Contains(campaignPart, StringComparison.Ordinal)))
        {
            Assert.True(expected.GetValueOrDefault(key) == uses, $"{key}: counter {uses}, rows {expected.GetValueOrDefault(key)}");
        }

        Assert.All(expected.Keys, key => Assert.True(counters.ContainsKey(key), $"{key} has rows but no counter"));
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal(stats.Number("held") + stats.Number("redeemed"), stats.Number("uses"));
        Assert.True(stats.Number("uses") <= 40);
        Assert.All(counters.Where(counter => counter.Key.StartsWith($"customer:{campaignPart}", StringComparison.Ordinal)), counter => Assert.InRange(counter.Value, 0, 3));
        Assert.All(counters.Where(counter => counter.Key.StartsWith($"partner:{campaignPart}", StringComparison.Ordinal)), counter => Assert.InRange(counter.Value, 0, 15));
    }
}
