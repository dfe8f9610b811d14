using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Promotions.Api.Common;
using PartnerMesh.Promotions.Api.Evaluations;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>
/// What promotions tells coupons about an entered code, with the stand-in coupons service of <see cref="CouponCodeTests"/>
/// answering as coupons does: an order re-evaluated on an expired quote names that quote, so the coupon the storefront
/// reserved for it is the order's own use; and a click's partner is resolved for the codes even while no live promotion
/// depends on the partner (this class publishes none), so a partner-only coupons campaign sees the partner's traffic.
/// Checkout evaluations name their <c>checkoutId</c>, so a re-priced checkout keeps the code the shopper holds; and an
/// honoured quote's coupons codes are asked about again at order time, so a code another shopper took is a mismatch.
/// </summary>
public sealed class CouponHoldAndClickTests(CouponCodeTests.Factory factory) : IClassFixture<CouponCodeTests.Factory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Order_OnAnExpiredQuote_WhoseCouponTheShopperHolds_IsRequoted_CouponsToldTheQuote()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 10).With("requiresCode", true));
        var code = $"HELD-{Guid.NewGuid():N}"[..24].ToUpperInvariant();
        string? heldFor = null;
        // A code with maxUses 1: valid until the shopper reserves it for the quote; then only a validation naming that
        // quote leaves the hold out (docs/coupons.md).
        factory.Answers[code] = body => heldFor is null || body["quoteId"]?.GetValue<string>() == heldFor
            ? new { valid = true, code, promotionId = (Guid?)id, reason = (string?)null }
            : new { valid = false, code, promotionId = (Guid?)null, reason = (string?)"exhausted" };
        var cart = PromotionsTestClient.Cart(("l", product, 2, 25m, null)).With("touchpoint", "checkout")
            .With("codes", new JsonArray(code)).With("customer", new JsonObject { ["id"] = $"c-{Guid.NewGuid():N}" });
        var checkout = await _storefront.EvaluateAsync(cart);
        Assert.Equal(5m, checkout.Total("discountTotal"));
        heldFor = checkout["quote"]!["id"]!.GetValue<string>(); // POST /api/coupons/reservations {code, quoteId}

        var order = new JsonObject
        {
            ["orderId"] = $"order-{Guid.NewGuid():N}",
            ["quote"] = Expired(checkout["quote"]!),
            ["order"] = cart.DeepClone(),
            ["chargedGrandTotal"] = checkout.Total("grandTotal"),
            ["chargedDiscountTotal"] = checkout.Total("discountTotal"),
        };
        var verified = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", order, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("requoted", verified["outcome"]!.GetValue<string>());
        Assert.Equal(checkout.Total("grandTotal"), verified["expectedGrandTotal"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Checkout_RepricedWithTheSameCheckoutId_WhoseCouponTheShopperHolds_KeepsTheCode_CouponsToldTheCheckout()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 10).With("requiresCode", true));
        var code = $"ONE-{Guid.NewGuid():N}"[..24].ToUpperInvariant();
        string? heldFor = null;
        // maxUsesPerCustomer 1: valid until the shopper reserves it for the checkout; then only a validation naming that
        // checkout leaves the hold out (docs/coupons.md).
        factory.Answers[code] = body => heldFor is null || OwnCheckout(body) == heldFor
            ? new { valid = true, code, promotionId = (Guid?)id, reason = (string?)null }
            : new { valid = false, code, promotionId = (Guid?)null, reason = (string?)"customer_limit_reached" };
        var checkoutId = $"checkout-{Guid.NewGuid():N}";
        var cart = PromotionsTestClient.Cart(("l", product, 2, 25m, null)).With("touchpoint", "checkout").With("checkoutId", checkoutId)
            .With("codes", new JsonArray(code)).With("customer", new JsonObject { ["id"] = $"c-{Guid.NewGuid():N}" });
        var first = await _storefront.EvaluateAsync(cart);
        Assert.Equal(5m, first.Total("discountTotal"));
        heldFor = checkoutId; // POST /api/coupons/reservations {code, checkoutId}

        var repriced = await _storefront.EvaluateAsync(cart.With("shipping", 4.90m));

        Assert.Equal(5m, repriced.Total("discountTotal"));
        Assert.Equal("applied", repriced["codes"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Order_OnAValidQuote_WhoseCodeAnotherShopperTook_IsAMismatch_CouponUnavailable_TheHoldersOrderHonoured()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 10).With("requiresCode", true));
        var code = $"LAST-{Guid.NewGuid():N}"[..24].ToUpperInvariant();
        string? heldFor = null;
        string? redeemedBy = null;
        // A code with maxUses 1: both shoppers' checkouts apply it; then shopper 1 reserves it for their quote (shopper 2's
        // reservation is a 409 exhausted) and redeems it with their order: only that quote and that order may still use it.
        factory.Answers[code] = body => (heldFor is null && redeemedBy is null) || (heldFor is not null && OwnCheckout(body) == heldFor)
                                        || (redeemedBy is not null && body["orderId"]?.GetValue<string>() == redeemedBy)
            ? new { valid = true, code, promotionId = (Guid?)id, reason = (string?)null }
            : new { valid = false, code, promotionId = (Guid?)null, reason = (string?)"exhausted" };
        var carts = Enumerable.Range(0, 2).Select(_ => PromotionsTestClient.Cart(("l", product, 1, 50m, null)).With("touchpoint", "checkout")
            .With("codes", new JsonArray(code)).With("customer", new JsonObject { ["id"] = $"c-{Guid.NewGuid():N}" })).ToArray();
        var checkouts = new List<JsonObject>();
        foreach (var cart in carts)
        {
            checkouts.Add(await _storefront.EvaluateAsync(cart));
        }

        Assert.All(checkouts, checkout => Assert.Equal(5m, checkout.Total("discountTotal")));
        heldFor = checkouts[0]["quote"]!["id"]!.GetValue<string>();
        var orders = carts.Zip(checkouts, (cart, checkout) => new JsonObject
        {
            ["orderId"] = $"order-{Guid.NewGuid():N}",
            ["quote"] = checkout["quote"]!.DeepClone(),
            ["order"] = cart.DeepClone(),
            ["chargedGrandTotal"] = checkout.Total("grandTotal"),
            ["chargedDiscountTotal"] = checkout.Total("discountTotal"),
        }).ToArray();
        (heldFor, redeemedBy) = (null, orders[0]["orderId"]!.GetValue<string>()); // POST /api/coupons/redemptions: the hold is consumed

        var second = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", orders[1], Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var first = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", orders[0], Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("mismatch", second["outcome"]!.GetValue<string>());
        Assert.Equal("coupon_unavailable", second["mismatchReason"]!.GetValue<string>());
        Assert.Equal(checkouts[1].Total("grandTotal") + 5m, second["expectedGrandTotal"]!.GetValue<decimal>()); // no discount
        Assert.Equal(1, await CountEventsAsync("quote-mismatch-detected", orders[1]["orderId"]!.GetValue<string>()));
        Assert.Equal("honoured", first["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task Order_OnAValidQuote_WhenCouponsCannotAnswer_IsHonoured()
    {
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 10).With("requiresCode", true));
        var code = $"OUT-{Guid.NewGuid():N}"[..24].ToUpperInvariant();
        var down = false;
        factory.Answers[code] = _ => down ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
            : new { valid = true, code, promotionId = (Guid?)id, reason = (string?)null };
        var cart = PromotionsTestClient.Cart(("l", product, 1, 50m, null)).With("touchpoint", "checkout")
            .With("codes", new JsonArray(code)).With("customer", new JsonObject { ["id"] = $"c-{Guid.NewGuid():N}" });
        var checkout = await _storefront.EvaluateAsync(cart);
        Assert.Equal(5m, checkout.Total("discountTotal"));
        down = true;

        var verified = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", new JsonObject
        {
            ["orderId"] = $"order-{Guid.NewGuid():N}",
            ["quote"] = checkout["quote"]!.DeepClone(),
            ["order"] = cart.DeepClone(),
            ["chargedGrandTotal"] = checkout.Total("grandTotal"),
            ["chargedDiscountTotal"] = checkout.Total("discountTotal"),
        }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("honoured", verified["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClickOnly_WithACodeOfAPartnerOnlyCampaign_CouponsAskedForTheClicksPartner()
    {
        var partner = await factory.RegisterPartnerAsync(); // named below too: an id no partner has is a 422
        var product = PromotionsTestClient.UniqueProduct();
        var id = await _admin.PublishAsync(PromotionsTestClient.PercentOffProduct(product, 10).With("requiresCode", true));
        var code = $"PONLY-{Guid.NewGuid():N}"[..24].ToUpperInvariant();
        // A coupons campaign with partnerIds [partner]: the code is valid only for that partner's traffic.
        factory.Answers[code] = body => body["partnerId"]?.GetValue<Guid>() == partner
            ? new { valid = true, code, promotionId = (Guid?)id, reason = (string?)null }
            : new { valid = false, code, promotionId = (Guid?)null, reason = (string?)"not_for_partner" };
        var click = Guid.CreateVersion7();
        factory.ClickPartners[click] = partner;
        var cart = PromotionsTestClient.Cart(("l", product, 2, 25m, null)).With("codes", new JsonArray(code));

        var fromClick = await _storefront.EvaluateAsync(cart.With("clickId", click));
        var named = await _storefront.EvaluateAsync(cart.With("partnerId", partner));

        Assert.Equal(5m, named.Total("discountTotal"));
        Assert.Equal(5m, fromClick.Total("discountTotal"));
        Assert.Equal("applied", fromClick["codes"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(partner, fromClick["quote"]!["partnerId"]!.GetValue<Guid>());
    }

    /// <summary>The checkout a validation names, by either of coupons' two names for it.</summary>
    private static string? OwnCheckout(JsonObject body) => (body["checkoutId"] ?? body["quoteId"])?.GetValue<string>();

    private async Task<int> CountEventsAsync(string urnPart, string orderId)
    {
        var payloads = await factory.QueryDbAsync(db => db.Set<PartnerMesh.Outbox.OutboxMessage>()
            .Where(message => message.MessageUrn.Contains(urnPart)).Select(message => message.Payload).ToListAsync(Ct));
        return payloads.Count(payload => payload.Contains(orderId, StringComparison.Ordinal));
    }

    /// <summary>The quote as it would be after its lifetime: signed by the service with an expiry in the past.</summary>
    private JsonNode Expired(JsonNode quoteNode)
    {
        var signer = (QuoteSigner)factory.Services.GetService(typeof(QuoteSigner))!;
        var quote = quoteNode.Deserialize<Quote>(PromotionJson.Options)!;
        var expired = signer.Sign(quote with { IssuedAt = quote.IssuedAt.AddHours(-1), ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) });
        return JsonSerializer.SerializeToNode(expired, PromotionJson.Options)!;
    }
}
