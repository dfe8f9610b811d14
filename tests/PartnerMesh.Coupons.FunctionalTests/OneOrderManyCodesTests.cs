using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// An order is one order whatever codes it brings: its first redemption fixes its total, currency and customer, so a
/// later code stating other facts is <c>order_mismatch</c>; a refund is partial or full for all its codes at once; and
/// once it is cancelled or refunded in full, no code — not only the one it redeemed — is redeemed under its id again.
/// </summary>
public sealed class OneOrderManyCodesTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    private static JsonObject Direct(bool stackable = true) => new() { ["stackable"] = stackable, ["requireReservation"] = false };

    [Fact]
    public async Task DirectRedeem_AnotherStackableCodeWithOtherTotalCurrencyOrCustomer_Returns409OrderMismatch_SameFactsRedeemed()
    {
        var (_, first) = await _admin.CampaignWithCodeAsync(Direct());
        var (secondCampaign, second) = await _admin.CampaignWithCodeAsync(Direct());
        var orderId = $"order-{Guid.NewGuid():N}";
        var ann = Guest("ann@example.com");
        await (await _storefront.RedeemAsync(Redemption(first, orderId, null, ann, orderTotal: 100m))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var otherTotal = await _storefront.RedeemAsync(Redemption(second, orderId, null, ann, orderTotal: 55m));
        var yen = Redemption(second, orderId, null, ann, orderTotal: 5000m);
        yen["currency"] = "JPY";
        var otherCurrency = await _storefront.RedeemAsync(yen);
        var otherCustomer = await _storefront.RedeemAsync(Redemption(second, orderId, null, Customer("zed"), orderTotal: 100m));

        var problem = await otherTotal.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(("Order already redeemed with different facts", "order_mismatch"), (problem.Title, problem.Extensions["reason"]!.ToString()));
        Assert.Contains("55.00 EUR instead of 100.00 EUR", problem.Detail, StringComparison.Ordinal);
        Assert.Equal("order_mismatch", await otherCurrency.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal("order_mismatch", await otherCustomer.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal(0, (await _admin.StatsAsync(secondCampaign)).Number("uses"));

        // The same facts (a request naming no customer matches) stack as before.
        await (await _storefront.RedeemAsync(Redemption(second, orderId, null, null, orderTotal: 100m))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(1, (await _admin.StatsAsync(secondCampaign)).Number("redeemed"));
    }

    [Fact]
    public async Task Redeem_AnotherCodesReservationWithOtherTotal_Returns409OrderMismatch_AndGivesTheReservationBack()
    {
        var stackable = new JsonObject { ["stackable"] = true };
        var (_, first) = await _admin.CampaignWithCodeAsync(stackable);
        var (secondCampaign, second) = await _admin.CampaignWithCodeAsync(stackable);
        var orderId = $"order-{Guid.NewGuid():N}";
        await (await _storefront.RedeemAsync(Redemption(first, orderId, await _storefront.ReserveOkAsync(first), orderTotal: 100m)))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var response = await _storefront.RedeemAsync(Redemption(second, orderId, await _storefront.ReserveOkAsync(second), orderTotal: 55m));

        Assert.Equal("order_mismatch", await response.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        var stats = await _admin.StatsAsync(secondCampaign);
        Assert.Equal((0, 0, 1), (stats.Number("uses"), stats.Number("held"), stats.Number("released")));
    }

    [Fact]
    public async Task Refund_OfAnOrderWithTwoCodes_IsPartialForBoth_ThenFullForBoth()
    {
        var (firstCampaign, first) = await _admin.CampaignWithCodeAsync(Direct());
        var (secondCampaign, second) = await _admin.CampaignWithCodeAsync(Direct());
        var orderId = $"order-{Guid.NewGuid():N}";
        await (await _storefront.RedeemAsync(Redemption(first, orderId, null, orderTotal: 100m))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        await (await _storefront.RedeemAsync(Redemption(second, orderId, null, orderTotal: 100m))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var partial = await (await RefundAsync(orderId, 55m)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.All(partial["redemptions"]!.AsArray(), redemption =>
            Assert.Equal(("redeemed", 55m), (redemption!["status"]!.GetValue<string>(), redemption["refundedAmount"]!.GetValue<decimal>())));
        Assert.Equal("refund_exceeds_order", await (await RefundAsync(orderId, 46m)).ShouldBeRefusedAsync(HttpStatusCode.UnprocessableEntity));

        var full = await (await RefundAsync(orderId, 45m)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.All(full["redemptions"]!.AsArray(), redemption =>
            Assert.Equal(("refunded", 100m), (redemption!["status"]!.GetValue<string>(), redemption["refundedAmount"]!.GetValue<decimal>())));
        foreach (var campaignId in new[] { firstCampaign, secondCampaign })
        {
            var stats = await _admin.StatsAsync(campaignId);
            Assert.Equal((0, 1), (stats.Number("uses"), stats.Number("refunded")));
        }
    }

    [Fact]
    public async Task Redeem_AnotherCodeAfterAPartialRefund_StartsFromTheOrdersRefundedAmount()
    {
        var (_, first) = await _admin.CampaignWithCodeAsync(Direct());
        var (secondCampaign, second) = await _admin.CampaignWithCodeAsync(Direct());
        var orderId = $"order-{Guid.NewGuid():N}";
        await (await _storefront.RedeemAsync(Redemption(first, orderId, null, orderTotal: 100m))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        await (await RefundAsync(orderId, 30m)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var added = await (await _storefront.RedeemAsync(Redemption(second, orderId, null, orderTotal: 100m))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(30m, added["refundedAmount"]!.GetValue<decimal>());

        var rest = await (await RefundAsync(orderId, 70m)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.All(rest["redemptions"]!.AsArray(), redemption => Assert.Equal("refunded", redemption!["status"]!.GetValue<string>()));
        Assert.Equal(0, (await _admin.StatsAsync(secondCampaign)).Number("uses"));
    }

    [Theory]
    [InlineData("cancellation", "order_cancelled", false)]
    [InlineData("refund", "order_refunded", false)]
    [InlineData("cancellation", "order_cancelled", true)]
    public async Task DirectRedeem_AnotherCodeOnAnOrderWhoseUseWasGivenBack_Returns409_NothingWritten(string restore, string reason, bool stackable)
    {
        var (firstCampaign, first) = await _admin.CampaignWithCodeAsync(Direct(stackable));
        var (secondCampaign, second) = await _admin.CampaignWithCodeAsync(Direct(stackable));
        var orderId = $"order-{Guid.NewGuid():N}";
        await (await _storefront.RedeemAsync(Redemption(first, orderId, null, orderTotal: 10m))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        await (await _storefront.PostAsync($"/api/coupons/redemptions/{orderId}/{restore}", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var response = await _storefront.RedeemAsync(Redemption(second, orderId, null, orderTotal: 10m));

        Assert.Equal(reason, await response.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal(0, (await _admin.StatsAsync(secondCampaign)).Number("uses"));
        var order = await (await _storefront.GetAsync($"/api/coupons/redemptions/{orderId}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Single(order["redemptions"]!.AsArray());
        // A second cancellation (idempotent) still changes nothing.
        await (await _storefront.PostAsync($"/api/coupons/redemptions/{orderId}/cancellation", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(0, (await _admin.StatsAsync(firstCampaign)).Number("uses"));
    }

    [Fact]
    public async Task Redeem_AnotherCodesReservationOnACancelledOrder_Returns409OrderCancelled_AndGivesTheReservationBack()
    {
        var (_, first) = await _admin.CampaignWithCodeAsync();
        var (secondCampaign, second) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 1 });
        var orderId = $"order-{Guid.NewGuid():N}";
        await (await _storefront.RedeemAsync(Redemption(first, orderId, await _storefront.ReserveOkAsync(first)))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        await (await _storefront.PostAsync($"/api/coupons/redemptions/{orderId}/cancellation", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var response = await _storefront.RedeemAsync(Redemption(second, orderId, await _storefront.ReserveOkAsync(second)));

        Assert.Equal("order_cancelled", await response.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        var stats = await _admin.StatsAsync(secondCampaign);
        Assert.Equal((0, 0, 0), (stats.Number("uses"), stats.Number("held"), stats.Number("redeemed")));
        await _storefront.ReserveOkAsync(second); // the code's only use is free for the next order
    }

    [Fact]
    public async Task Redeem_ReservationRefusedOneCodePerOrder_GivesTheReservationBack()
    {
        var (_, first) = await _admin.CampaignWithCodeAsync();
        var (secondCampaign, second) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 1 });
        var orderId = $"order-{Guid.NewGuid():N}";
        await (await _storefront.RedeemAsync(Redemption(first, orderId, await _storefront.ReserveOkAsync(first)))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var response = await _storefront.RedeemAsync(Redemption(second, orderId, await _storefront.ReserveOkAsync(second)));

        Assert.Equal("one_code_per_order", await response.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        var stats = await _admin.StatsAsync(secondCampaign);
        Assert.Equal((0, 0, 1), (stats.Number("uses"), stats.Number("held"), stats.Number("released")));
        await _storefront.ReserveOkAsync(second);
    }

    /// <summary>Two codes of one order at the same moment, one stating other facts: whichever wins, the other is refused.</summary>
    [Fact]
    public async Task Redeem_TwoCodesOfOneOrderAtOnceWithDifferentFacts_OneRedeemed_TheOther409OrderMismatch()
    {
        var (directCampaign, direct) = await _admin.CampaignWithCodeAsync(Direct());
        var (reservedCampaign, reserved) = await _admin.CampaignWithCodeAsync(new JsonObject { ["stackable"] = true });
        const int orders = 20;
        var holds = await Task.WhenAll(Enumerable.Range(0, orders).Select(_ => _storefront.ReserveOkAsync(reserved)));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, orders).Select(async index =>
        {
            var orderId = $"order-race-{Guid.NewGuid():N}";
            var answers = await Task.WhenAll(
                _storefront.RedeemAsync(Redemption(direct, orderId, null, orderTotal: 100m)),
                _storefront.RedeemAsync(Redemption(reserved, orderId, holds[index], orderTotal: 55m)));
            var statuses = answers.Select(answer => answer.StatusCode).Order().ToArray();
            var refused = answers.Single(answer => answer.StatusCode != HttpStatusCode.Created);
            return (Statuses: statuses, Reason: await refused.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        }));

        Assert.All(outcomes, outcome =>
        {
            Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], outcome.Statuses);
            Assert.Equal("order_mismatch", outcome.Reason);
        });
        var (directStats, reservedStats) = (await _admin.StatsAsync(directCampaign), await _admin.StatsAsync(reservedCampaign));
        Assert.Equal(orders, directStats.Number("redeemed") + reservedStats.Number("redeemed"));
        Assert.Equal((0, reservedStats.Number("redeemed")), (reservedStats.Number("held"), reservedStats.Number("uses")));
    }

    /// <summary>The minimum cart value is checked against the cart total at validation and reservation (promotions sends the
    /// items subtotal before discounts, without shipping); a redemption stating that <c>cartTotal</c> is checked against it,
    /// not against the amount paid.</summary>
    [Fact]
    public async Task Redeem_MinimumIsCheckedAgainstTheCartTotalGiven_NotTheAmountPaid()
    {
        var minimum = new JsonObject { ["minimumCartValue"] = 100, ["currency"] = "EUR" };
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(minimum);
        var (directCampaign, direct) = await _admin.CampaignWithCodeAsync(new JsonObject
        {
            ["minimumCartValue"] = 100, ["currency"] = "EUR", ["requireReservation"] = false,
        });

        var paid = Redemption(code, $"order-{Guid.NewGuid():N}", await _storefront.ReserveOkAsync(code, cartTotal: 100m), orderTotal: 85m);
        paid["cartTotal"] = 100m;
        var directPaid = Redemption(direct, $"order-{Guid.NewGuid():N}", null, orderTotal: 85m);
        directPaid["cartTotal"] = 100m;
        var below = Redemption(direct, $"order-{Guid.NewGuid():N}", null, orderTotal: 120m);
        below["cartTotal"] = 99.99m;
        var withoutCart = Redemption(direct, $"order-{Guid.NewGuid():N}", null, orderTotal: 85m);
        var badPrecision = Redemption(direct, $"order-{Guid.NewGuid():N}", null, orderTotal: 85m);
        badPrecision["cartTotal"] = 100.001m;

        await (await _storefront.RedeemAsync(paid)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        await (await _storefront.RedeemAsync(directPaid)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal("minimum_not_met", await (await _storefront.RedeemAsync(below)).ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        // Without a cart total the order total is the base, as before.
        Assert.Equal("minimum_not_met", await (await _storefront.RedeemAsync(withoutCart)).ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        var invalid = await _storefront.RedeemAsync(badPrecision);
        await invalid.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("cartTotal", JsonNode.Parse(await invalid.Content.ReadAsStringAsync(Ct))!["errors"]!.AsObject().Select(error => error.Key));
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("redeemed"));
        Assert.Equal(1, (await _admin.StatsAsync(directCampaign)).Number("redeemed"));
    }

    private Task<HttpResponseMessage> RefundAsync(string orderId, decimal amount) =>
        _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{orderId}/refund", new JsonObject { ["amount"] = amount }, Ct);
}
