using System.Net;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// An order id or checkout id that names something already done replays it only to a request with the same facts:
/// another total, currency or customer is refused (as attribution refuses a refund id with different facts), and so is
/// a new redemption of an order that was cancelled — without leaving the reservation it brought holding a use.
/// </summary>
public sealed class SameIdOtherFactsTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Redeem_SameOrderWithAnotherTotalOrCustomer_Returns409OrderMismatch_SameFactsStillReplay()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 3, ["currency"] = "EUR" });
        var ann = Customer("ann");
        var reservationId = await _storefront.ReserveOkAsync(code, ann, cartTotal: 100m);
        var orderId = $"order-{Guid.NewGuid():N}";
        var first = await (await _storefront.RedeemAsync(Redemption(code, orderId, reservationId, ann, orderTotal: 100m)))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var otherTotal = await _storefront.RedeemAsync(Redemption(code, orderId, reservationId, ann, orderTotal: 250m));
        var otherCustomer = await _storefront.RedeemAsync(Redemption(code, orderId, reservationId: null, Customer("bob"), orderTotal: 250m));
        var same = await _storefront.RedeemAsync(Redemption(code, orderId, reservationId, ann, orderTotal: 100m));

        var problem = await otherTotal.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(("Order already redeemed with different facts", "order_mismatch"), (problem.Title, problem.Extensions["reason"]!.ToString()));
        Assert.Contains("250.00 EUR instead of 100.00 EUR", problem.Detail, StringComparison.Ordinal);
        Assert.Equal("order_mismatch", await otherCustomer.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal(first.ToJsonString(), (await same.ShouldBeAsync<JsonObject>(HttpStatusCode.Created)).ToJsonString());
        Assert.Equal("true", same.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Fact]
    public async Task DirectRedeem_SameOrderWithAnotherTotal_Returns409OrderMismatch_SameFactsStillReplay()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 3, ["requireReservation"] = false });
        var orderId = $"order-{Guid.NewGuid():N}";
        var first = await (await _storefront.RedeemAsync(Redemption(code, orderId, null, Guest("ann@example.com"), orderTotal: 100m)))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var otherTotal = await _storefront.RedeemAsync(Redemption(code, orderId, null, Guest("ann@example.com"), orderTotal: 250m));
        var otherCustomer = await _storefront.RedeemAsync(Redemption(code, orderId, null, Guest("bob@example.com"), orderTotal: 100m));
        var same = await _storefront.RedeemAsync(Redemption(code, orderId, null, Guest("ANN@example.com"), orderTotal: 100m));

        Assert.Equal("order_mismatch", await otherTotal.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal("order_mismatch", await otherCustomer.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal(first.ToJsonString(), (await same.ShouldBeAsync<JsonObject>(HttpStatusCode.Created)).ToJsonString());
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Fact]
    public async Task Redeem_NewReservationOnACancelledOrderId_Returns409OrderCancelled_AndGivesTheReservationBack()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 1 });
        var first = await _storefront.ReserveOkAsync(code);
        var orderId = $"order-{Guid.NewGuid():N}";
        await (await _storefront.RedeemAsync(Redemption(code, orderId, first))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        await (await _storefront.PostAsync($"/api/coupons/redemptions/{orderId}/cancellation", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var second = await _storefront.ReserveOkAsync(code); // the code's only use, given back by the cancellation

        var response = await _storefront.RedeemAsync(Redemption(code, orderId, second));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(("Order cancelled", "order_cancelled"), (problem.Title, problem.Extensions["reason"]!.ToString()));
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((0, 0, 1), (stats.Number("uses"), stats.Number("held"), stats.Number("cancelled")));
        Assert.Single(await factory.OutboxEventsAsync("coupon-released"), node => node["reservationId"]!.GetValue<Guid>() == second);
        await _storefront.ReserveOkAsync(code); // the use is free for the next order
        // A late retry of the original request (the reservation the order consumed) still gets the order as it is.
        var late = await (await _storefront.RedeemAsync(Redemption(code, orderId, first))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal("cancelled", late["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Redeem_NewReservationOnARedeemedOrder_ReplaysTheOrder_AndGivesTheReservationBack()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 2 });
        var orderId = $"order-{Guid.NewGuid():N}";
        var first = await (await _storefront.RedeemAsync(Redemption(code, orderId, await _storefront.ReserveOkAsync(code))))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var stray = await _storefront.ReserveOkAsync(code);

        var again = await (await _storefront.RedeemAsync(Redemption(code, orderId, stray))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal(first.ToJsonString(), again.ToJsonString());
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((1, 0, 1), (stats.Number("uses"), stats.Number("held"), stats.Number("redeemed")));
    }

    [Fact]
    public async Task Reserve_SameCheckoutByAnotherCustomer_Returns409CheckoutMismatch_TheShopperStillGetsTheirs()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerCustomer"] = 1 });
        var checkoutId = $"checkout-{Guid.NewGuid():N}";
        var ann = await (await _storefront.ReserveAsync(Reservation(code, Customer("ann"), checkoutId: checkoutId))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var bob = await _storefront.ReserveAsync(Reservation(code, Customer("bob"), checkoutId: checkoutId));
        var guest = await _storefront.ReserveAsync(Reservation(code, Guest("bob@example.com"), checkoutId: checkoutId));
        var annAgain = await _storefront.ReserveAsync(Reservation(code, Customer("ann"), checkoutId: checkoutId));

        var problem = await bob.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(("Checkout reserved for another customer", "checkout_mismatch"), (problem.Title, problem.Extensions["reason"]!.ToString()));
        Assert.Equal("checkout_mismatch", await guest.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal(ann["reservationId"]!.GetValue<Guid>(), (await annAgain.ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["reservationId"]!.GetValue<Guid>());
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }
}
