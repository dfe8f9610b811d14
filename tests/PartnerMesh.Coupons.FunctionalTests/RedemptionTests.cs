using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>Reserve → redeem → release / cancel / refund, one call at a time: states, idempotency and the accounting.</summary>
public sealed class RedemptionTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task ReserveThenRedeem_CountsOneUse_StatsExactAndImmediate()
    {
        var partnerId = Guid.NewGuid();
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject { ["maxUses"] = 5 });
        var code = await _admin.CreateCodeAsync(campaignId, partnerId: partnerId);

        var reservation = await (await _storefront.ReserveAsync(Reservation(code, ttlSeconds: 600)))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var reservationId = reservation["reservationId"]!.GetValue<Guid>();
        Assert.True(reservation["expiresAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddMinutes(9));
        var held = await _admin.StatsAsync(campaignId);
        Assert.Equal((1, 1, 0, 4), (held.Number("uses"), held.Number("held"), held.Number("redeemed"), held.Number("remaining")));

        var redemption = await (await _storefront.RedeemAsync(Redemption(code, "order-a1", reservationId, orderTotal: 80m)))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("redeemed", redemption["status"]!.GetValue<string>());
        Assert.Equal(partnerId, redemption["partnerId"]!.GetValue<Guid>());
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((1, 0, 1, 4), (stats.Number("uses"), stats.Number("held"), stats.Number("redeemed"), stats.Number("remaining")));
        var redeemed = (await factory.OutboxEventsAsync("coupon-redeemed")).Single(node => node["orderId"]!.GetValue<string>() == "order-a1");
        Assert.Equal(partnerId, redeemed["partnerId"]!.GetValue<Guid>());
        Assert.Equal(reservationId, redeemed["reservationId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task Redeem_ReplayedWithSameOrderId_SameAnswerNoSecondUse()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 10 });
        var reservationId = await _storefront.ReserveOkAsync(code);
        var request = Redemption(code, "order-replay", reservationId);

        var first = await _storefront.RedeemAsync(request);
        var second = await _storefront.RedeemAsync(request);
        var third = await _storefront.RedeemAsync(Redemption(code.ToLowerInvariant(), "order-replay", reservationId: null));

        var firstBody = await first.ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(firstBody.ToJsonString(), (await second.ShouldBeAsync<JsonObject>(HttpStatusCode.Created)).ToJsonString());
        Assert.Equal(firstBody.ToJsonString(), (await third.ShouldBeAsync<JsonObject>(HttpStatusCode.Created)).ToJsonString());
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((1, 1), (stats.Number("uses"), stats.Number("redeemed")));
    }

    [Fact]
    public async Task Redeem_DifferentCodeForSameOrder_Returns409OneCodePerOrder()
    {
        var (_, first) = await _admin.CampaignWithCodeAsync();
        var (_, second) = await _admin.CampaignWithCodeAsync();
        await (await _storefront.RedeemAsync(Redemption(first, "order-two-codes", await _storefront.ReserveOkAsync(first))))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var response = await _storefront.RedeemAsync(Redemption(second, "order-two-codes", await _storefront.ReserveOkAsync(second)));

        Assert.Equal("one_code_per_order", await response.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Redeem_TwoStackableCodesForSameOrder_BothRedeemed()
    {
        var stackable = new JsonObject { ["stackable"] = true };
        var (_, first) = await _admin.CampaignWithCodeAsync(stackable);
        var (_, second) = await _admin.CampaignWithCodeAsync(stackable);

        await (await _storefront.RedeemAsync(Redemption(first, "order-stacked", await _storefront.ReserveOkAsync(first)))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        await (await _storefront.RedeemAsync(Redemption(second, "order-stacked", await _storefront.ReserveOkAsync(second)))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var order = await (await _storefront.GetAsync("/api/coupons/redemptions/order-stacked", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(2, order["redemptions"]!.AsArray().Count);
    }

    [Fact]
    public async Task Redeem_WithoutReservation_Returns422ReservationRequired_NothingWritten()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync();

        var response = await _storefront.RedeemAsync(Redemption(code, "order-no-reservation", reservationId: null));

        Assert.Equal("reservation_required", await response.ShouldBeRefusedAsync(HttpStatusCode.UnprocessableEntity));
        Assert.Equal(0, (await _admin.StatsAsync(campaignId)).Number("uses"));
        await (await _storefront.GetAsync("/api/coupons/redemptions/order-no-reservation", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Redeem_UnknownOrOtherCodesReservation_Returns422()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync();
        var (_, other) = await _admin.CampaignWithCodeAsync();
        var othersReservation = await _storefront.ReserveOkAsync(other);

        Assert.Equal("reservation_not_found",
            await (await _storefront.RedeemAsync(Redemption(code, "order-x1", Guid.NewGuid()))).ShouldBeRefusedAsync(HttpStatusCode.UnprocessableEntity));
        Assert.Equal("reservation_mismatch",
            await (await _storefront.RedeemAsync(Redemption(code, "order-x2", othersReservation))).ShouldBeRefusedAsync(HttpStatusCode.UnprocessableEntity));
    }

    [Fact]
    public async Task Redeem_PartnerOtherThanTheReservations_Returns422ReservationMismatch_ReservationStillHeld()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUsesPerPartner"] = 1 });
        var (partner, other) = (Guid.NewGuid(), Guid.NewGuid());
        var noPartners = await _storefront.ReserveOkAsync(code);
        var partners = await _storefront.ReserveOkAsync(code, partnerId: partner);

        foreach (var (reservationId, named) in new[] { (noPartners, partner), (partners, other) })
        {
            var response = await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", reservationId, partnerId: named));
            Assert.Equal("reservation_mismatch", await response.ShouldBeRefusedAsync(HttpStatusCode.UnprocessableEntity));
        }

        Assert.Equal(2, (await _admin.StatsAsync(campaignId)).Number("held"));
        // The reservation's own partner, or none named: the reservation's traffic is the sale's.
        var redeemed = await (await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", partners, partnerId: partner)))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        Assert.Equal(partner, redeemed["partnerId"]!.GetValue<Guid>());
        await (await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", noPartners))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task OpenApi_ReserveCouponRequest_HasNoComputedCheckoutProperty()
    {
        var document = JsonNode.Parse(await factory.CreateAnonymousClient().GetStringAsync("/openapi/v1.json", Ct))!;

        var properties = document["components"]!["schemas"]!["ReserveCouponRequest"]!["properties"]!.AsObject();
        Assert.Contains("checkoutId", properties.Select(property => property.Key));
        Assert.Contains("quoteId", properties.Select(property => property.Key));
        Assert.DoesNotContain("checkout", properties.Select(property => property.Key));
    }

    [Fact]
    public async Task Redeem_ReservationUsedByAnotherOrder_Returns409()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync();
        var reservationId = await _storefront.ReserveOkAsync(code);
        await (await _storefront.RedeemAsync(Redemption(code, "order-r1", reservationId))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var response = await _storefront.RedeemAsync(Redemption(code, "order-r2", reservationId));

        Assert.Equal("reservation_used", await response.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Redeem_ExpiredReservation_Returns409AndGivesTheUseBack()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 1 });
        var reservationId = await _storefront.ReserveOkAsync(code);
        await ExpireAsync(reservationId);

        var response = await _storefront.RedeemAsync(Redemption(code, "order-late", reservationId));

        Assert.Equal("reservation_expired", await response.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal(0, (await _admin.StatsAsync(campaignId)).Number("uses"));
        Assert.True((await _storefront.ValidateAsync(Validation(code)))["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ExpiredReservation_SweptByTheService_UseGivenBack()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 1 });
        var reservationId = await _storefront.ReserveOkAsync(code);
        await ExpireAsync(reservationId);

        // Statistics leave the expired hold out at once; the sweeper's work shows in the row and the event.
        var released = await Eventually.GetAsync(async () =>
                (await factory.OutboxEventsAsync("coupon-released")).SingleOrDefault(node => node["reservationId"]!.GetValue<Guid>() == reservationId),
            TimeSpan.FromSeconds(20), "the sweeper releases the expired reservation");
        Assert.Equal("expired", released["reason"]!.GetValue<string>());
        Assert.Equal("released", await factory.QueryDbAsync(db => db.Reservations.Where(reservation => reservation.Id == reservationId)
            .Select(reservation => reservation.Status).SingleAsync(Ct)));
        Assert.Equal(0, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Fact]
    public async Task Reserve_WhenOnlyExpiredHoldsFillTheLimit_TakesTheirPlace()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 1 });
        await ExpireAsync(await _storefront.ReserveOkAsync(code));

        await _storefront.ReserveOkAsync(code);
    }

    [Fact]
    public async Task Reserve_SameCheckoutTwice_SameReservation()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 5 });
        var request = Reservation(code, checkoutId: "quote-42");

        var first = await (await _storefront.ReserveAsync(request)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var second = await (await _storefront.ReserveAsync(request)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal(first["reservationId"]!.GetValue<Guid>(), second["reservationId"]!.GetValue<Guid>());
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Fact]
    public async Task Release_HeldReservation_GivesUseBack_Idempotent()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 1 });
        var reservationId = await _storefront.ReserveOkAsync(code);

        var released = await (await _storefront.PostAsync($"/api/coupons/reservations/{reservationId}/release", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await (await _storefront.PostAsync($"/api/coupons/reservations/{reservationId}/release", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal("released", released["status"]!.GetValue<string>());
        Assert.Equal(0, (await _admin.StatsAsync(campaignId)).Number("uses"));
        Assert.Equal("reservation_released",
            await (await _storefront.RedeemAsync(Redemption(code, "order-after-release", reservationId))).ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        await (await _storefront.PostAsync($"/api/coupons/reservations/{Guid.NewGuid()}/release", null, Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Release_RedeemedReservation_Returns409()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync();
        var reservationId = await _storefront.ReserveOkAsync(code);
        await (await _storefront.RedeemAsync(Redemption(code, "order-rel", reservationId))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var response = await _storefront.PostAsync($"/api/coupons/reservations/{reservationId}/release", null, Ct);

        Assert.Equal("reservation_used", await response.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
    }

    [Theory]
    [InlineData("2026/0001")]
    [InlineData("INV/2026/12/7")]
    [InlineData("/")]
    [InlineData(".")]
    [InlineData("..")]
    public async Task Redeem_OrderIdThatCannotTravelInThePath_Returns400NamingIt_NothingTaken(string orderId)
    {
        // Such an order could never be read, cancelled or refunded (/api/coupons/redemptions/{orderId}/…): its use would be stuck.
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 1, ["requireReservation"] = false });
        var reservationId = await _storefront.ReserveOkAsync(code);

        foreach (var request in new[] { Redemption(code, orderId, null), Redemption(code, orderId, reservationId) })
        {
            var problem = await (await _storefront.RedeemAsync(request)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("\"orderId\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        }

        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((1, 1, 0), (stats.Number("uses"), stats.Number("held"), stats.Number("redeemed")));
    }

    [Fact]
    public async Task Redeem_OrderIdWithCharactersEscapedInThePath_ReadCancelledAndRefundedByIt()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 1, ["requireReservation"] = false });
        var orderId = $"INV #{Guid.NewGuid():N}?x=1&y=%2F\\...";
        await (await _storefront.RedeemAsync(Redemption(code, orderId, null))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var path = $"/api/coupons/redemptions/{Uri.EscapeDataString(orderId)}";

        var order = await (await _storefront.GetAsync(path, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(orderId, order["orderId"]!.GetValue<string>());
        await (await _storefront.PostAsync($"{path}/cancellation", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(0, (await _admin.StatsAsync(campaignId)).Number("uses"));
        Assert.Equal("order_cancelled", await (await _storefront.PostAsJsonAsync($"{path}/refund", new JsonObject(), Ct)).ShouldBeRefusedAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Cancel_GivesTheUseBackOnce()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 1 });
        var orderId = await _storefront.ReserveAndRedeemAsync(code);
        Assert.Equal("exhausted", (await _storefront.ValidateAsync(Validation(code))).Reason());

        var cancelled = await (await _storefront.PostAsync($"/api/coupons/redemptions/{orderId}/cancellation", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await (await _storefront.PostAsync($"/api/coupons/redemptions/{orderId}/cancellation", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal("cancelled", cancelled["redemptions"]![0]!["status"]!.GetValue<string>());
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((0, 0, 1), (stats.Number("uses"), stats.Number("redeemed"), stats.Number("cancelled")));
        Assert.True((await _storefront.ValidateAsync(Validation(code)))["valid"]!.GetValue<bool>());
        Assert.Single(await factory.OutboxEventsAsync("coupon-restored"), node => node["orderId"]!.GetValue<string>() == orderId);
        await (await _storefront.PostAsync("/api/coupons/redemptions/no-such-order/cancellation", null, Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Refund_PartialKeepsTheUse_FullGivesItBack()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 1 });
        var reservationId = await _storefront.ReserveOkAsync(code);
        await (await _storefront.RedeemAsync(Redemption(code, "order-refund", reservationId, orderTotal: 100m))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var partial = await (await _storefront.PostAsJsonAsync("/api/coupons/redemptions/order-refund/refund", new JsonObject { ["refundId"] = "rf-1", ["amount"] = 30 }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal("redeemed", partial["redemptions"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(30m, partial["redemptions"]![0]!["refundedAmount"]!.GetValue<decimal>());
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));

        var rest = await (await _storefront.PostAsJsonAsync("/api/coupons/redemptions/order-refund/refund", new JsonObject { ["refundId"] = "rf-2", ["amount"] = 70 }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal("refunded", rest["redemptions"]![0]!["status"]!.GetValue<string>());
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((0, 1), (stats.Number("uses"), stats.Number("refunded")));

        var again = await _storefront.PostAsJsonAsync("/api/coupons/redemptions/order-refund/refund", new JsonObject { ["refundId"] = "rf-3" }, Ct);
        Assert.Equal("order_refunded", await again.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal(0, (await _admin.StatsAsync(campaignId)).Number("uses")); // nothing given back twice
    }

    [Fact]
    public async Task Refund_WithoutAmount_IsFull_AndNegativeAmountIs400()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync();
        var orderId = await _storefront.ReserveAndRedeemAsync(code);
        await (await _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{orderId}/refund", new JsonObject { ["refundId"] = "rf-neg", ["amount"] = -5 }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        await (await _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{orderId}/refund", new JsonObject { ["refundId"] = $"rf-{orderId}" }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal(0, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Fact]
    public async Task Refund_WithoutRefundId_FullRefundGivenBackOnceThen409_PartialCountsEachTime_BadIdIs400()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync();
        var partialOrder = await _storefront.ReserveAndRedeemAsync(code);
        var (otherCampaignId, otherCode) = await _admin.CampaignWithCodeAsync();
        var fullOrder = await _storefront.ReserveAndRedeemAsync(otherCode);

        await (await _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{partialOrder}/refund", new JsonObject { ["refundId"] = new string('x', 101) }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{partialOrder}/refund", new JsonObject { ["amount"] = 10 }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var again = await (await _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{partialOrder}/refund", new JsonObject { ["amount"] = 10 }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var full = await (await _storefront.PostAsync($"/api/coupons/redemptions/{fullOrder}/refund", null, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var fullAgain = await _storefront.PostAsync($"/api/coupons/redemptions/{fullOrder}/refund", null, Ct);

        Assert.Equal(20m, again["redemptions"]![0]!["refundedAmount"]!.GetValue<decimal>());
        Assert.Equal((1, 1), ((await _admin.StatsAsync(campaignId)).Number("uses"), (await _admin.StatsAsync(campaignId)).Number("partiallyRefunded")));
        Assert.Equal("refunded", full["redemptions"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("order_refunded", await fullAgain.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal(0, (await _admin.StatsAsync(otherCampaignId)).Number("uses"));
    }

    [Fact]
    public async Task Refund_PartialRetriedWithSameRefundId_CountedOnce_SameAnswer()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync();
        var orderId = $"order-{Guid.NewGuid():N}";
        await (await _storefront.RedeemAsync(Redemption(code, orderId, await _storefront.ReserveOkAsync(code), orderTotal: 100m)))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var refund = new JsonObject { ["refundId"] = $"rf-{orderId}", ["amount"] = 50 };

        var first = await _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{orderId}/refund", refund, Ct);
        var retries = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{orderId}/refund", refund, Ct)));

        var firstBody = await first.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(50m, firstBody["redemptions"]![0]!["refundedAmount"]!.GetValue<decimal>());
        foreach (var retry in retries)
        {
            Assert.Equal(firstBody.ToJsonString(), (await retry.ShouldBeAsync<JsonObject>(HttpStatusCode.OK)).ToJsonString());
            Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        }

        var order = await (await _storefront.GetAsync($"/api/coupons/redemptions/{orderId}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(("redeemed", 50m), (order["redemptions"]![0]!["status"]!.GetValue<string>(), order["redemptions"]![0]!["refundedAmount"]!.GetValue<decimal>()));
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((1, 0, 1), (stats.Number("uses"), stats.Number("refunded"), stats.Number("partiallyRefunded")));
    }

    [Fact]
    public async Task Refund_SameRefundIdWithAnotherAmount_Returns409_AndChangesNothing()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync();
        var orderId = $"order-{Guid.NewGuid():N}";
        await (await _storefront.RedeemAsync(Redemption(code, orderId, await _storefront.ReserveOkAsync(code), orderTotal: 100m)))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var refundId = $"rf-{orderId}";
        await (await _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{orderId}/refund", new JsonObject { ["refundId"] = refundId, ["amount"] = 50 }, Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var otherAmount = await _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{orderId}/refund", new JsonObject { ["refundId"] = refundId, ["amount"] = 20 }, Ct);
        var full = await _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{orderId}/refund", new JsonObject { ["refundId"] = refundId }, Ct);

        Assert.Equal("refund_id_reused", await otherAmount.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal("refund_id_reused", await full.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        var order = await (await _storefront.GetAsync($"/api/coupons/redemptions/{orderId}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(50m, order["redemptions"]![0]!["refundedAmount"]!.GetValue<decimal>());
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Fact]
    public async Task Refund_TwoDistinctPartialRefundsReachingTheTotal_AreFull_UseGivenBackOnce()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 1 });
        var orderId = $"order-{Guid.NewGuid():N}";
        await (await _storefront.RedeemAsync(Redemption(code, orderId, await _storefront.ReserveOkAsync(code), orderTotal: 100m)))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var first = new JsonObject { ["refundId"] = $"rf-a-{orderId}", ["amount"] = 40 };
        var second = new JsonObject { ["refundId"] = $"rf-b-{orderId}", ["amount"] = 60 };

        await (await _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{orderId}/refund", first, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await (await _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{orderId}/refund", first, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));
        var done = await (await _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{orderId}/refund", second, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        await (await _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{orderId}/refund", second, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        Assert.Equal(("refunded", 100m), (done["redemptions"]![0]!["status"]!.GetValue<string>(), done["redemptions"]![0]!["refundedAmount"]!.GetValue<decimal>()));
        var stats = await _admin.StatsAsync(campaignId);
        Assert.Equal((0, 1), (stats.Number("uses"), stats.Number("refunded")));
        Assert.Single(await factory.OutboxEventsAsync("coupon-restored"), node => node["orderId"]!.GetValue<string>() == orderId);
        await _storefront.ReserveOkAsync(code); // the use is free again
    }

    [Fact]
    public async Task Refund_RefundIdOfAnotherOrder_Returns409()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 10 });
        var first = await _storefront.ReserveAndRedeemAsync(code);
        var second = await _storefront.ReserveAndRedeemAsync(code);
        var refund = new JsonObject { ["refundId"] = $"rf-{first}" };
        await (await _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{first}/refund", refund, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var response = await _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{second}/refund", refund, Ct);

        Assert.Equal("refund_id_reused", await response.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Redeem_OrderBelowMinimum_Returns409_ReservationStillHeld()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["minimumCartValue"] = 40, ["currency"] = "EUR" });
        var reservationId = await _storefront.ReserveOkAsync(code, cartTotal: 45m);

        var response = await _storefront.RedeemAsync(Redemption(code, "order-small", reservationId, orderTotal: 20m));

        Assert.Equal("minimum_not_met", await response.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("held"));
    }

    [Fact]
    public async Task Redeem_BadInput_Returns400()
    {
        await (await _storefront.RedeemAsync(Redemption("ANY", new string('o', 101), null))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _storefront.RedeemAsync(Redemption(new string('A', 10_240), "order-big", null))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var missingTotal = Redemption("ANY", "order-nototal", null);
        missingTotal.Remove("orderTotal");
        await (await _storefront.RedeemAsync(missingTotal)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var badReservation = Redemption("ANY", "order-badres", null);
        badReservation["reservationId"] = "not-a-guid";
        await (await _storefront.RedeemAsync(badReservation)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _storefront.ReserveAsync(Reservation("ANY", ttlSeconds: 0))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task DirectRedeem_OnCampaignWithoutRequiredReservation_TakesTheUse()
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 1, ["requireReservation"] = false });

        await (await _storefront.RedeemAsync(Redemption(code, "order-direct-1", null))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var second = await _storefront.RedeemAsync(Redemption(code, "order-direct-2", null));

        Assert.Equal("exhausted", await second.ShouldBeRefusedAsync(HttpStatusCode.Conflict));
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    private Task<int> ExpireAsync(Guid reservationId) =>
        factory.QueryDbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE coupon_reservations SET expires_at = now() - interval '1 second' WHERE id = {reservationId}", Ct));
}
