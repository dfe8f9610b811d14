using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// <c>Idempotency-Key</c> on the storefront's creating POSTs (reservations, redemptions, refunds): a retry, also many at
/// once, gets the first answer and takes or gives back no second use; the same key with another request is a 409.
/// </summary>
public sealed class CheckoutIdempotencyKeyTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Reserve_RetriedWithKey_SameReservation201_NoSecondUseOfASingleUseCode()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var code = await _admin.CreateCodeAsync(campaignId, maxUses: 1);
        var key = NewKey();

        var first = await PostAsync("/api/coupons/reservations", Reservation(code), key);
        var retry = await PostAsync("/api/coupons/reservations", Reservation(code), key);

        var created = await first.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var replayed = await retry.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(created.ToJsonString(), replayed.ToJsonString());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((1, 1), (stats.Number("uses"), stats.Number("held")));
        Assert.Equal(1, await ReservationsAsync(code));
    }

    [Fact]
    public async Task Reserve_SameKeyOtherBody_Returns409_AndTakesNoUse()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var code = await _admin.CreateCodeAsync(campaignId, maxUses: 10);
        var key = NewKey();
        await (await PostAsync("/api/coupons/reservations", Reservation(code, cartTotal: 50m), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var other = await PostAsync("/api/coupons/reservations", Reservation(code, cartTotal: 60m), key);

        Assert.Equal("idempotency_key_reused", await other.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));
        Assert.Equal(1, await ReservationsAsync(code));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reserve_20ConcurrentRetriesWithOneKey_OneReservation_OneUse_All201(bool withCheckout)
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var code = await _admin.CreateCodeAsync(campaignId, maxUses: 5);
        var key = NewKey();
        var body = Reservation(code, checkoutId: withCheckout ? $"checkout-{key}" : null);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PostAsync("/api/coupons/reservations", body, key)));

        var bodies = await Task.WhenAll(responses.Select(response => response.ShouldBeAsync<JsonObject>(HttpStatusCode.Created)));
        Assert.Single(bodies.Select(reserved => reserved["reservationId"]!.GetValue<Guid>()).Distinct());
        Assert.Single(responses, response => !response.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));
        Assert.Equal(1, await ReservationsAsync(code));
        Assert.Single(await factory.OutboxEventsAsync("coupon-reserved"), node => node["code"]!.GetValue<string>() == code);
    }

    [Fact]
    public async Task Reserve_NewKeyForAHeldCheckout_StillGetsItsReservation200()
    {
        var campaignId = await _admin.CreateCampaignAsync();
        var code = await _admin.CreateCodeAsync(campaignId);
        var body = Reservation(code, checkoutId: $"checkout-{Guid.NewGuid():N}");
        var first = await (await PostAsync("/api/coupons/reservations", body, NewKey())).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var again = await (await PostAsync("/api/coupons/reservations", body, NewKey())).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal(first["reservationId"]!.GetValue<Guid>(), again["reservationId"]!.GetValue<Guid>());
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Theory]
    [InlineData("/api/coupons/reservations")]
    [InlineData("/api/coupons/redemptions")]
    [InlineData("/api/coupons/redemptions/order-badkey/refund")]
    public async Task CheckoutPost_OverlongKey_Returns400(string path)
    {
        var body = path switch
        {
            "/api/coupons/reservations" => Reservation("ANY-CODE"),
            "/api/coupons/redemptions" => Redemption("ANY-CODE", "order-badkey", null),
            _ => new JsonObject { ["amount"] = 10 },
        };

        var problem = await (await PostAsync(path, body, new string('k', 101))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("Idempotency-Key", problem.Extensions["errors"]!.ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Redeem_SameKeyForAnotherOrder_Returns409_NoSecondRedemption_SameBodyReplays(bool withReservation)
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["requireReservation"] = withReservation });
        var key = NewKey();
        var first = Redemption(code, $"order-{Guid.NewGuid():N}", withReservation ? await _storefront.ReserveOkAsync(code) : null);
        var otherReservation = withReservation ? await _storefront.ReserveOkAsync(code) : (Guid?)null;
        var created = await (await PostAsync("/api/coupons/redemptions", first, key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var retry = await PostAsync("/api/coupons/redemptions", first, key);
        var otherOrder = await PostAsync("/api/coupons/redemptions", Redemption(code, $"order-{Guid.NewGuid():N}", otherReservation), key);

        Assert.Equal(created.ToJsonString(), (await retry.ShouldBeAsync<JsonObject>(HttpStatusCode.Created)).ToJsonString());
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("idempotency_key_reused", await otherOrder.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((1, withReservation ? 1 : 0), (stats.Number("redeemed"), stats.Number("held")));
    }

    [Fact]
    public async Task DirectRedeem_10ConcurrentOrdersWithOneKey_OneRedemption_Rest409()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["requireReservation"] = false });
        var key = NewKey();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(index =>
            PostAsync("/api/coupons/redemptions", Redemption(code, $"order-{key}-{index}", null), key)));

        Assert.Single(responses, response => response.StatusCode == HttpStatusCode.Created);
        foreach (var refused in responses.Where(response => response.StatusCode != HttpStatusCode.Created))
        {
            Assert.Equal("idempotency_key_reused", await refused.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        }

        Assert.Equal((1, 1), ((await _admin.StatsAsync(campaignId)).Number("uses"), (await _admin.StatsAsync(campaignId)).Number("redeemed")));
    }

    [Fact]
    public async Task Refund_PartialRetriedWithKeyOnly_CountedOnce_SameAnswer()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync();
        var orderId = await RedeemedOrderAsync(code);
        var key = NewKey();
        var refund = new JsonObject { ["amount"] = 30 };

        var first = await PostAsync($"/api/coupons/redemptions/{orderId}/refund", refund, key);
        var retries = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostAsync($"/api/coupons/redemptions/{orderId}/refund", refund, key)));

        var firstBody = await first.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(30m, firstBody["redemptions"]![0]!["refundedAmount"]!.GetValue<decimal>());
        foreach (var retry in retries)
        {
            Assert.Equal(firstBody.ToJsonString(), (await retry.ShouldBeAsync<JsonObject>(HttpStatusCode.OK)).ToJsonString());
            Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        }

        Assert.Equal(30m, (await OrderAsync(orderId))["redemptions"]![0]!["refundedAmount"]!.GetValue<decimal>());
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((1, 1), (stats.Number("uses"), stats.Number("partiallyRefunded")));
    }

    [Fact]
    public async Task Refund_FullRetriedWithKey_UseRestoredOnce_SameAnswer()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync();
        var orderId = await RedeemedOrderAsync(code);
        var key = NewKey();

        var first = await (await PostAsync($"/api/coupons/redemptions/{orderId}/refund", new JsonObject(), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var retry = await PostAsync($"/api/coupons/redemptions/{orderId}/refund", new JsonObject(), key);

        Assert.Equal("refunded", first["redemptions"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(first.ToJsonString(), (await retry.ShouldBeAsync<JsonObject>(HttpStatusCode.OK)).ToJsonString());
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((0, 1), (stats.Number("uses"), stats.Number("refunded")));
        Assert.Single(await factory.OutboxEventsAsync("coupon-restored"), node => node["orderId"]!.GetValue<string>() == orderId);
    }

    [Fact]
    public async Task Refund_KeyReusedWithAnotherAmountRefundIdOrOrder_Returns409_AndChangesNothing()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 5 });
        var orderId = await RedeemedOrderAsync(code);
        var otherOrder = await RedeemedOrderAsync(code);
        var key = NewKey();
        await (await PostAsync($"/api/coupons/redemptions/{orderId}/refund", new JsonObject { ["amount"] = 10 }, key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var otherAmount = await PostAsync($"/api/coupons/redemptions/{orderId}/refund", new JsonObject { ["amount"] = 20 }, key);
        var withRefundId = await PostAsync($"/api/coupons/redemptions/{orderId}/refund", new JsonObject { ["refundId"] = $"rf-{key}", ["amount"] = 10 }, key);
        var forOtherOrder = await PostAsync($"/api/coupons/redemptions/{otherOrder}/refund", new JsonObject { ["amount"] = 10 }, key);

        Assert.Equal("idempotency_key_reused", await otherAmount.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal("idempotency_key_reused", await withRefundId.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal("idempotency_key_reused", await forOtherOrder.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal(10m, (await OrderAsync(orderId))["redemptions"]![0]!["refundedAmount"]!.GetValue<decimal>());
        Assert.Equal(0m, (await OrderAsync(otherOrder))["redemptions"]![0]!["refundedAmount"]!.GetValue<decimal>());
        Assert.Equal(2, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Fact]
    public async Task Refund_RefundIdWins_NewKeySameRefundIdReplays_KeyWithAnotherRefundIdIs409()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync();
        var orderId = await RedeemedOrderAsync(code);
        var (firstKey, refundId) = (NewKey(), $"rf-{Guid.NewGuid():N}");
        var refund = new JsonObject { ["refundId"] = refundId, ["amount"] = 10 };
        var first = await (await PostAsync($"/api/coupons/redemptions/{orderId}/refund", refund, firstKey)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var sameRefundNewKey = await PostAsync($"/api/coupons/redemptions/{orderId}/refund", refund, NewKey());
        var keyWithOtherRefundId = await PostAsync($"/api/coupons/redemptions/{orderId}/refund",
            new JsonObject { ["refundId"] = $"rf-{Guid.NewGuid():N}", ["amount"] = 10 }, firstKey);

        Assert.Equal(first.ToJsonString(), (await sameRefundNewKey.ShouldBeAsync<JsonObject>(HttpStatusCode.OK)).ToJsonString());
        Assert.Equal("true", sameRefundNewKey.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("idempotency_key_reused", await keyWithOtherRefundId.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal(10m, (await OrderAsync(orderId))["redemptions"]![0]!["refundedAmount"]!.GetValue<decimal>());
    }

    private static string NewKey() => $"key-{Guid.NewGuid():N}";

    private Task<HttpResponseMessage> PostAsync(string path, JsonObject body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return _storefront.SendAsync(request, Ct);
    }

    private Task<int> ReservationsAsync(string code) => factory.QueryDbAsync(db => db.Reservations.CountAsync(reservation => reservation.Code == code, Ct));

    /// <summary>A new order of 100 EUR that redeemed <paramref name="code"/> with a reservation.</summary>
    private async Task<string> RedeemedOrderAsync(string code)
    {
        var orderId = $"order-{Guid.NewGuid():N}";
        await (await _storefront.RedeemAsync(Redemption(code, orderId, await _storefront.ReserveOkAsync(code), orderTotal: 100m)))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        return orderId;
    }

    private async Task<JsonObject> OrderAsync(string orderId) =>
        await (await _storefront.GetAsync($"/api/coupons/redemptions/{orderId}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
}
