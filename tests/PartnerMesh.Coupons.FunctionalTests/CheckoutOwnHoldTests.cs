using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>
/// A checkout's own hold is the shopper's use, not a use against them: a validation naming the checkout (its
/// <c>checkoutId</c> or <c>quoteId</c>, as promotions sends when it re-evaluates an order on an expired quote) leaves that
/// one reservation out of the limits — and only that one; a validation naming an order (<c>orderId</c>, as promotions sends
/// when it verifies the order) leaves that order's own redemption of the code out. Also: a refusal says holds count, a reservation cannot name two
/// different checkouts, and customer ids are ones the offers lookup can address.
/// </summary>
public sealed class CheckoutOwnHoldTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly CouponsApiFactory _factory = new();
    private HttpClient _admin = null!;
    private HttpClient _storefront = null!;

    public async ValueTask InitializeAsync()
    {
        await _factory.InitializeAsync();
        _admin = _factory.Admin();
        _storefront = _factory.Storefront();
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    public static TheoryData<string, int?, int?, int?> Limits => new()
    {
        { "campaign maxUses 1", 1, null, null },
        { "maxUsesPerCustomer 1", null, 1, null },
        { "code maxUses 1", null, null, 1 },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public async Task Validation_ForTheQuoteThatHoldsTheCode_IsValid_OthersStillRefused(string limit, int? maxUses, int? perCustomer, int? codeMaxUses)
    {
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject { ["maxUses"] = maxUses, ["maxUsesPerCustomer"] = perCustomer });
        var code = await _admin.CreateCodeAsync(campaignId, maxUses: codeMaxUses);
        var shopper = Customer($"own-{Guid.NewGuid():N}");
        var quoteId = Guid.NewGuid().ToString();
        var reserve = Reservation(code, shopper);
        reserve.Remove("checkoutId");
        reserve["quoteId"] = quoteId;
        await (await _storefront.ReserveAsync(reserve)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var forQuote = Validation(code, shopper);
        forQuote["quoteId"] = quoteId;
        var forCheckout = Validation(code, shopper);
        forCheckout["checkoutId"] = quoteId;
        var forOtherCheckout = Validation(code, shopper);
        forOtherCheckout["checkoutId"] = Guid.NewGuid().ToString();

        Assert.True((await _storefront.ValidateAsync(forQuote))["valid"]!.GetValue<bool>(), limit);
        Assert.True((await _storefront.ValidateAsync(forCheckout))["valid"]!.GetValue<bool>(), limit);
        Assert.False((await _storefront.ValidateAsync(Validation(code, shopper)))["valid"]!.GetValue<bool>(), limit);
        Assert.False((await _storefront.ValidateAsync(forOtherCheckout))["valid"]!.GetValue<bool>(), limit);
    }

    [Theory]
    [MemberData(nameof(Limits))]
    public async Task Validation_ForTheOrderThatRedeemedTheCode_IsValid_OthersStillRefused(string limit, int? maxUses, int? perCustomer, int? codeMaxUses)
    {
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject { ["maxUses"] = maxUses, ["maxUsesPerCustomer"] = perCustomer });
        var code = await _admin.CreateCodeAsync(campaignId, maxUses: codeMaxUses);
        var shopper = Customer($"own-{Guid.NewGuid():N}");
        var orderId = await _storefront.ReserveAndRedeemAsync(code, shopper);

        var forOrder = Validation(code, shopper);
        forOrder["orderId"] = orderId;
        var forOtherOrder = Validation(code, shopper);
        forOtherOrder["orderId"] = $"order-{Guid.NewGuid():N}";
        var forOrderOtherShopper = Validation(code, Customer($"other-{Guid.NewGuid():N}"));
        forOrderOtherShopper["orderId"] = orderId;

        Assert.True((await _storefront.ValidateAsync(forOrder))["valid"]!.GetValue<bool>(), limit);
        Assert.False((await _storefront.ValidateAsync(Validation(code, shopper)))["valid"]!.GetValue<bool>(), limit);
        Assert.False((await _storefront.ValidateAsync(forOtherOrder))["valid"]!.GetValue<bool>(), limit);
        if (maxUses is not null || codeMaxUses is not null)
        {
            Assert.False((await _storefront.ValidateAsync(forOrderOtherShopper))["valid"]!.GetValue<bool>(), limit);
        }
    }

    [Fact]
    public async Task Validation_WithAnOrderIdNoOrderRouteCanAddress_Is400NamingOrderId()
    {
        var validation = Validation("ANY-CODE");
        validation["orderId"] = "2026/0001";

        var problem = await (await _storefront.PostAsJsonAsync("/api/coupons/validations", validation, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.BadRequest);

        Assert.NotNull(problem["errors"]!["orderId"]);
    }

    [Fact]
    public async Task Validation_NamingAnotherShoppersCheckout_DoesNotLeaveItsHoldOut()
    {
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject { ["maxUses"] = 1 });
        var code = await _admin.CreateCodeAsync(campaignId);
        var checkoutId = $"checkout-{Guid.NewGuid():N}";
        await (await _storefront.ReserveAsync(Reservation(code, Customer($"a-{Guid.NewGuid():N}"), checkoutId: checkoutId)))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var other = Validation(code, Customer($"b-{Guid.NewGuid():N}"));
        other["checkoutId"] = checkoutId;

        Assert.Equal("exhausted", (await _storefront.ValidateAsync(other)).Reason());
    }

    [Fact]
    public async Task Refusal_ByAHeldUse_SaysHoldsCount_NotThatTheCustomerUsedIt()
    {
        var campaignId = await _admin.CreateCampaignAsync(new JsonObject { ["maxUsesPerCustomer"] = 1 });
        var code = await _admin.CreateCodeAsync(campaignId);
        var shopper = Customer($"held-{Guid.NewGuid():N}");
        await _storefront.ReserveOkAsync(code, shopper);

        var answer = await _storefront.ValidateAsync(Validation(code, shopper));

        Assert.Equal("customer_limit_reached", answer.Reason());
        var detail = answer["detail"]!.GetValue<string>();
        Assert.DoesNotContain("has used", detail, StringComparison.Ordinal);
        Assert.Contains("open reservations", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reservation_NamingTwoDifferentCheckouts_Is400NamingQuoteId_TheSameIdTwiceIsOne()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync(new JsonObject { ["maxUses"] = 5 });
        var shopper = Customer($"two-{Guid.NewGuid():N}");
        var both = Reservation(code, shopper, checkoutId: "k1-" + Guid.NewGuid().ToString("N"));
        both["quoteId"] = "q1-" + Guid.NewGuid().ToString("N");

        var problem = await (await _storefront.ReserveAsync(both)).ShouldBeAsync<JsonObject>(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["quoteId"]);

        var same = Reservation(code, shopper, checkoutId: "k2-" + Guid.NewGuid().ToString("N"));
        same["quoteId"] = same["checkoutId"]!.GetValue<string>();
        var first = await (await _storefront.ReserveAsync(same)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var byQuote = Reservation(code, shopper);
        byQuote.Remove("checkoutId");
        byQuote["quoteId"] = same["quoteId"]!.GetValue<string>();
        var again = await (await _storefront.ReserveAsync(byQuote)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(first["reservationId"]!.GetValue<Guid>(), again["reservationId"]!.GetValue<Guid>());
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData(" .. ")]
    public async Task CustomerId_TheOffersLookupCannotAddress_Is400NamingCustomerId(string id)
    {
        var (_, code) = await _admin.CampaignWithCodeAsync();

        var validation = await _storefront.PostAsJsonAsync("/api/coupons/validations", Validation(code, Customer(id)), Ct);
        var reservation = await _storefront.ReserveAsync(Reservation(code, Customer(id)));
        var redemption = await _storefront.RedeemAsync(Redemption(code, $"order-{Guid.NewGuid():N}", null, Customer(id)));

        foreach (var response in new[] { validation, reservation, redemption })
        {
            var problem = await response.ShouldBeAsync<JsonObject>(HttpStatusCode.BadRequest);
            Assert.Contains("no '/'", problem["errors"]!["customer.id"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CustomerId_WithDotsInside_IsAcceptedAndItsOffersFetched()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync();
        var id = $"ann.{Guid.NewGuid():N}..x";

        Assert.True((await _storefront.ValidateAsync(Validation(code, Customer(id))))["valid"]!.GetValue<bool>());
        var offers = await (await _storefront.GetAsync($"/api/coupons/customers/{id}/offers", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal("id:" + id, offers["customerKey"]!.GetValue<string>());
    }
}
