using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// Every amount coupons takes is money in a currency: it has no digits below that currency's minor unit (JPY 0.5, KWD
/// 0.0005 and EUR 10.001 are not money), and the amounts a detail names are written with that currency's decimals.
/// </summary>
public sealed class CurrencyPrecisionTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Theory]
    [InlineData("JPY", "1000", "0.5")]
    [InlineData("KWD", "1.5", "0.0005")]
    [InlineData("EUR", "100", "0.001")]
    public async Task Refund_AmountFinerThanTheOrdersCurrency_Returns400NamingAmount_NothingWritten(string currency, string total, string amount)
    {
        var (campaignId, orderId) = await RedeemedOrderAsync(currency, Money(total));

        var response = await RefundAsync(orderId, $"rf-{orderId}", Money(amount));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains($"amount has more decimals than {currency} has", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        var redemption = (await (await _storefront.GetAsync($"/api/coupons/redemptions/{orderId}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["redemptions"]![0]!;
        Assert.Equal(("redeemed", 0m), (redemption["status"]!.GetValue<string>(), redemption["refundedAmount"]!.GetValue<decimal>()));
        Assert.Equal(0, await factory.QueryDbAsync(db => db.Refunds.CountAsync(refund => refund.OrderId == orderId, Ct)));
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("uses"));
        // The refund id was not recorded: the same id with an amount in the currency's unit is a refund.
        await (await RefundAsync(orderId, $"rf-{orderId}", 1m)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("JPY", "0.5")]
    [InlineData("KWD", "0.0005")]
    [InlineData("EUR", "10.001")]
    public async Task CreateCampaign_MinimumCartValueFinerThanItsCurrency_Returns400NamingTheField(string currency, string minimum)
    {
        var body = new JsonObject
        {
            ["name"] = "fine minimum", ["promotionId"] = Guid.NewGuid(), ["currency"] = currency,
            ["minimumCartValue"] = Money(minimum),
        };

        var problem = await (await _admin.PostAsJsonAsync("/api/coupons/campaigns", body, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains($"minimumCartValue has more decimals than {currency} has", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateCampaign_AbandonedCartMinimumFinerThanTheCampaignsCurrency_Returns400NamingTheField()
    {
        var body = new JsonObject
        {
            ["name"] = "fine offer minimum", ["promotionId"] = Guid.NewGuid(), ["currency"] = "JPY",
            ["abandonedCart"] = new JsonObject { ["enabled"] = true, ["minimumCartTotal"] = 999.5m },
        };

        var problem = await (await _admin.PostAsJsonAsync("/api/coupons/campaigns", body, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("abandonedCart.minimumCartTotal", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("JPY", "1000", "999", "The cart must reach 1000 JPY; it is 999 JPY.")]
    [InlineData("EUR", "40", "39.9", "The cart must reach 40.00 EUR; it is 39.90 EUR.")]
    [InlineData("KWD", "1.5", "1.499", "The cart must reach 1.500 KWD; it is 1.499 KWD.")]
    public async Task Validate_BelowTheMinimum_DetailWritesAmountsWithTheCurrencysDecimals(string currency, string minimum, string cart, string detail)
    {
        var (_, code) = await _admin.CampaignWithCodeAsync(new JsonObject
        {
            ["minimumCartValue"] = Money(minimum), ["currency"] = currency,
        });

        var validation = await _storefront.ValidateAsync(
            Validation(code, cartTotal: Money(cart), currency: currency));

        Assert.Equal("minimum_not_met", validation.Reason());
        Assert.Equal(detail, validation["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("EUR", "40", "39.9999999999999999999999999999")] // read as 40 by the JSON reader's rounding
    [InlineData("EUR", "40", "39.999999999999999999999999999999999")]
    [InlineData("JPY", "1000", "999.99999999999999999999999999")]
    public async Task Validate_CartTotalWithMoreDigitsThanADecimalHolds_Returns400NamingCartTotal_NotRoundedUpToTheMinimum(string currency, string minimum, string cart)
    {
        var (_, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["minimumCartValue"] = Money(minimum), ["currency"] = currency });
        var body = Validation(code, currency: currency);
        body["cartTotal"] = JsonNode.Parse(cart); // the number's own text, not a decimal's

        var response = await _storefront.PostAsJsonAsync("/api/coupons/validations", body, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("cartTotal", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e-30")] // underflows to 0
    [InlineData("10.00000000000000000000000000001")]
    public async Task Redeem_OrderTotalADecimalCannotHoldExactly_Returns400NamingOrderTotal_NothingWritten(string total)
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["requireReservation"] = false });
        var orderId = $"order-{Guid.NewGuid():N}";
        var redemption = Redemption(code, orderId, reservationId: null);
        redemption["orderTotal"] = JsonNode.Parse(total);

        var problem = await (await _storefront.RedeemAsync(redemption)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("orderTotal", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, (await _admin.StatsAsync(campaignId)).Number("uses"));
    }

    [Fact]
    public async Task Refund_MoreThanIsLeftOfAJpyOrder_DetailWritesWholeYen()
    {
        var (_, orderId) = await RedeemedOrderAsync("JPY", 1000m);

        var problem = await (await RefundAsync(orderId, refundId: null, 1001m)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal($"The refund (1001 JPY) is more than what is left of order {orderId}: 1000 JPY of 1000 JPY.", problem.Detail);
    }

    private async Task<(Guid CampaignId, string OrderId)> RedeemedOrderAsync(string currency, decimal total)
    {
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["currency"] = currency });
        var reservation = Reservation(code, cartTotal: total);
        reservation["currency"] = currency;
        var reservationId = (await (await _storefront.ReserveAsync(reservation)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["reservationId"]!.GetValue<Guid>();
        var orderId = $"order-{Guid.NewGuid():N}";
        var redemption = Redemption(code, orderId, reservationId, orderTotal: total);
        redemption["currency"] = currency;
        await (await _storefront.RedeemAsync(redemption)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        return (campaignId, orderId);
    }

    private static decimal Money(string amount) => decimal.Parse(amount, CultureInfo.InvariantCulture);

    private Task<HttpResponseMessage> RefundAsync(string orderId, string? refundId, decimal amount) =>
        _storefront.PostAsJsonAsync($"/api/coupons/redemptions/{orderId}/refund", new JsonObject { ["refundId"] = refundId, ["amount"] = amount }, Ct);
}
