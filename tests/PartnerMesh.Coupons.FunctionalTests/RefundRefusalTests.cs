using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// A refund for more than is left of the order, or of an order cancelled or already refunded in full, is refused with a
/// problem saying so (as attribution refuses it), and writes nothing: no capped amount, no recorded refund id, no key.
/// </summary>
public sealed class RefundRefusalTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Refund_MoreThanTheOrder_Returns422WithWhatIsLeft_NothingWritten()
    {
        var (campaignId, orderId) = await RedeemedOrderAsync(100m);

        var response = await RefundAsync(orderId, $"rf-{orderId}", 150m);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Refund exceeds the order", problem.Title);
        Assert.Equal("refund_exceeds_order", problem.Extensions["reason"]!.ToString());
        Assert.Contains("100.00 EUR of 100.00 EUR", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(("redeemed", 0m), await StateAsync(orderId));
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Refunds.CountAsync(refund => refund.OrderId == orderId, Ct)));
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));
        // The refund id was not recorded: the same id with an amount that fits is a new refund.
        await (await RefundAsync(orderId, $"rf-{orderId}", 100m)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(("refunded", 100m), await StateAsync(orderId));
    }

    [Fact]
    public async Task Refund_PartialsAddingUpPastTheOrder_SecondRefused422_TheRestStillRefundable()
    {
        var (campaignId, orderId) = await RedeemedOrderAsync(100m);
        await (await RefundAsync(orderId, $"rf-a-{orderId}", 40m)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var over = await RefundAsync(orderId, $"rf-b-{orderId}", 70m);

        var problem = await over.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("refund_exceeds_order", problem.Extensions["reason"]!.ToString());
        Assert.Contains("60.00 EUR of 100.00 EUR", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(("redeemed", 40m), await StateAsync(orderId));
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));
        // Without an amount, a refund is what is left.
        var rest = await (await RefundAsync(orderId, $"rf-c-{orderId}", amount: null)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(100m, rest["redemptions"]![0]!["refundedAmount"]!.GetValue<decimal>());
        Assert.Equal(0, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Fact]
    public async Task Refund_AfterCancellation_Returns409OrderCancelled()
    {
        var (campaignId, orderId) = await RedeemedOrderAsync(100m);
        await (await _storefront.PostAsync($"/api/coupons/redemptions/{orderId}/cancellation", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var withId = await RefundAsync(orderId, $"rf-{orderId}", 10m);
        var withoutId = await _storefront.PostAsync($"/api/coupons/redemptions/{orderId}/refund", null, Ct);

        var problem = await withId.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(("Order cancelled", "order_cancelled"), (problem.Title, problem.Extensions["reason"]!.ToString()));
        Assert.Equal("order_cancelled", await withoutId.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal(("cancelled", 0m), await StateAsync(orderId));
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((1, 0), (stats.Number("cancelled"), stats.Number("refunded")));
    }

    [Fact]
    public async Task Refund_AfterFullRefund_Returns409OrderRefunded_TheFirstRefundIdStillReplays()
    {
        var (campaignId, orderId) = await RedeemedOrderAsync(100m);
        var first = await (await RefundAsync(orderId, $"rf-{orderId}", amount: null)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var another = await RefundAsync(orderId, $"rf-2-{orderId}", 10m);
        var replay = await RefundAsync(orderId, $"rf-{orderId}", amount: null);

        var problem = await another.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(("Order already fully refunded", "order_refunded"), (problem.Title, problem.Extensions["reason"]!.ToString()));
        Assert.Equal(first.ToJsonString(), (await replay.ShouldBeAsync<JsonObject>(HttpStatusCode.OK)).ToJsonString());
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(("refunded", 100m), await StateAsync(orderId));
        Assert.Equal(0, (await _admin.StatsAsync(campaignId)).Number("uses"));
        Assert.Single(await factory.OutboxEventsAsync("coupon-restored"), node => node["orderId"]!.GetValue<string>() == orderId);
    }

    [Fact]
    public async Task Refund_RefusedWithAnIdempotencyKey_RecordsNoKey()
    {
        var (_, orderId) = await RedeemedOrderAsync(100m);
        var key = $"key-{Guid.NewGuid():N}";

        var over = await RefundAsync(orderId, refundId: null, 150m, key);
        var fitting = await RefundAsync(orderId, refundId: null, 30m, key);

        Assert.Equal("refund_exceeds_order", await over.ShouldBeRefusedAsync(HttpStatusCode.UnprocessableEntity));
        await fitting.ShouldBeAsync<JsonObject>(HttpStatusCode.OK); // not idempotency_key_reused: the refusal recorded nothing
        Assert.Equal(("redeemed", 30m), await StateAsync(orderId));
    }

    private async Task<(Guid CampaignId, string OrderId)> RedeemedOrderAsync(decimal total)
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 5 });
        var orderId = $"order-{Guid.NewGuid():N}";
        await (await _storefront.RedeemAsync(Redemption(code, orderId, await _storefront.ReserveOkAsync(code, cartTotal: total), orderTotal: total)))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        return (campaignId, orderId);
    }

    private Task<HttpResponseMessage> RefundAsync(string orderId, string? refundId, decimal? amount, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/coupons/redemptions/{orderId}/refund")
        {
            Content = JsonContent.Create(new JsonObject { ["refundId"] = refundId, ["amount"] = amount }),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return _storefront.SendAsync(request, Ct);
    }

    private async Task<(string Status, decimal Refunded)> StateAsync(string orderId)
    {
        var order = await (await _storefront.GetAsync($"/api/coupons/redemptions/{orderId}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var redemption = order["redemptions"]![0]!;
        return (redemption["status"]!.GetValue<string>(), redemption["refundedAmount"]!.GetValue<decimal>());
    }
}
