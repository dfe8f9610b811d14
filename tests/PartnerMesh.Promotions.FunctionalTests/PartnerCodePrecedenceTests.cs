using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Promotions.FunctionalTests;

/// <summary>
/// Whose traffic a cart is when a partner's code and another partner's click disagree: the code's partner, as
/// attribution credits the order by default (coupon-code precedence). Stand-in coupons and attribution as in
/// <see cref="CouponCodeTests"/>.
/// </summary>
public sealed class PartnerCodePrecedenceTests(CouponCodeTests.Factory factory) : IClassFixture<CouponCodeTests.Factory>
{
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task PartnerCode_BeatsAnotherPartnersClick_AndTheNamedPartner_TheAnswerSaysWhichPartnerAndWhy()
    {
        var (codePartner, clickPartner) = (await factory.RegisterPartnerAsync(), await factory.RegisterPartnerAsync());
        var product = PromotionsTestClient.UniqueProduct();
        var code = await PartnerCodeAsync(product, codePartner);
        var codePartnersOnly = await PartnerOnlyAsync(product, codePartner);
        var clickPartnersOnly = await PartnerOnlyAsync(product, clickPartner);
        var click = Guid.CreateVersion7();
        factory.ClickPartners[click] = clickPartner;
        var cart = PromotionsTestClient.Cart(("l", product, 1, 100m, null)).With("touchpoint", "checkout").With("clickId", click);

        var clickOnly = await _storefront.EvaluateAsync(cart);
        var clickAndCode = await _storefront.EvaluateAsync(cart.With("codes", new JsonArray(code)));
        var namedAndCode = await _storefront.EvaluateAsync(cart.With("partnerId", clickPartner).With("codes", new JsonArray(code)));

        Assert.NotNull(clickOnly.Applied(clickPartnersOnly));
        Assert.Equal("not_for_partner", clickOnly.RejectionReason(codePartnersOnly));
        AssertPartner(clickOnly, clickPartner, "click", null);
        foreach (var evaluation in new[] { clickAndCode, namedAndCode })
        {
            Assert.NotNull(evaluation.Applied(codePartnersOnly));
            Assert.Equal("not_for_partner", evaluation.RejectionReason(clickPartnersOnly));
            AssertPartner(evaluation, codePartner, "coupon-code", code);
            Assert.Equal(codePartner, evaluation["quote"]!["partnerId"]!.GetValue<Guid>());
        }
    }

    [Fact]
    public async Task CodesOfTwoPartners_DecideNothing_WhateverTheEntryOrder_TheTrafficsPartnerStands()
    {
        var (first, second, clickPartner) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var product = PromotionsTestClient.UniqueProduct();
        var (firstCode, secondCode) = (await PartnerCodeAsync(product, first), await PartnerCodeAsync(product, second));
        var (firstOnly, secondOnly, clickOnly) = (await PartnerOnlyAsync(product, first), await PartnerOnlyAsync(product, second),
            await PartnerOnlyAsync(product, clickPartner));
        var click = Guid.CreateVersion7();
        factory.ClickPartners[click] = clickPartner;
        var cart = PromotionsTestClient.Cart(("l", product, 1, 100m, null));

        foreach (var codes in new[] { new JsonArray(firstCode, secondCode), new JsonArray(secondCode, firstCode) })
        {
            var noTraffic = await _storefront.EvaluateAsync(cart.With("codes", codes.DeepClone()));
            var withClick = await _storefront.EvaluateAsync(cart.With("codes", codes.DeepClone()).With("clickId", click));

            Assert.Null(noTraffic["partner"]);
            Assert.Equal("not_for_partner", noTraffic.RejectionReason(firstOnly));
            Assert.Equal("not_for_partner", noTraffic.RejectionReason(secondOnly));
            AssertPartner(withClick, clickPartner, "click", null);
            Assert.NotNull(withClick.Applied(clickOnly));
            Assert.Equal("not_for_partner", withClick.RejectionReason(firstOnly));
            Assert.Equal("not_for_partner", withClick.RejectionReason(secondOnly));
        }
    }

    [Fact]
    public async Task Order_NamingAnotherPartnerThanItsQuote_CountsTheQuotesPartner_ForBudgetAndEvents()
    {
        var ct = TestContext.Current.CancellationToken;
        var (codePartner, namedPartner) = (await factory.RegisterPartnerAsync(), await factory.RegisterPartnerAsync());
        var product = PromotionsTestClient.UniqueProduct();
        var code = await PartnerCodeAsync(product, codePartner);
        var capped = PromotionsTestClient.PercentOffProduct(product, 10, "one use per partner");
        capped["budgets"] = new JsonArray(new JsonObject { ["scope"] = "partner", ["period"] = "month", ["maxUses"] = 1 });
        var id = await _admin.PublishAsync(capped);
        // A cart quote reserves nothing: the order takes its own use, for the partner it is counted for.
        var cart = PromotionsTestClient.Cart(("l", product, 1, 100m, null)).With("touchpoint", "cart")
            .With("partnerId", namedPartner).With("codes", new JsonArray(code));
        var quoted = await _storefront.EvaluateAsync(cart);
        Assert.NotNull(quoted.Applied(id));
        Assert.Equal(codePartner, quoted["quote"]!["partnerId"]!.GetValue<Guid>());
        var orderId = $"order-{Guid.NewGuid():N}";

        var verified = await (await _storefront.PostAsJsonAsync("/api/promotions/orders", new JsonObject
        {
            ["orderId"] = orderId,
            ["quote"] = quoted["quote"]!.DeepClone(),
            ["order"] = cart.DeepClone(),
            ["chargedGrandTotal"] = quoted.Total("grandTotal"),
            ["chargedDiscountTotal"] = quoted.Total("discountTotal"),
        }, ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Equal("honoured", verified["outcome"]!.GetValue<string>());
        var usage = await _admin.GetFromJsonAsync<JsonObject>($"/api/promotions/definitions/{id}/budgets", ct);
        var perPartner = usage!["budgets"]![0]!["partners"]!.AsArray()
            .ToDictionary(entry => entry!["partnerId"]!.GetValue<Guid>(), entry => entry!["uses"]!.GetValue<int>());
        Assert.Equal(new Dictionary<Guid, int> { [codePartner] = 1 }, perPartner);
        var codePartnersTraffic = PromotionsTestClient.Cart(("l", product, 1, 100m, null)).With("partnerId", codePartner);
        Assert.Equal("budget_exhausted", (await _storefront.EvaluateAsync(codePartnersTraffic)).RejectionReason(id));
        Assert.NotNull((await _storefront.EvaluateAsync(codePartnersTraffic.With("partnerId", namedPartner))).Applied(id));
        var payloads = await factory.QueryDbAsync(db => db.Set<PartnerMesh.Outbox.OutboxMessage>()
            .Where(message => message.MessageUrn.Contains("order-promotions-verified")).Select(message => message.Payload).ToListAsync(ct));
        var published = payloads.Single(payload => payload.Contains(orderId, StringComparison.Ordinal));
        Assert.Contains(codePartner.ToString(), published, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(namedPartner.ToString(), published, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A partner's code that the stand-in coupons service vouches for (it unlocks a promotion of its own).</summary>
    private async Task<string> PartnerCodeAsync(string product, Guid partner)
    {
        var unlocked = PromotionsTestClient.PercentOffProduct(product, 1, "unlocked by a partner code");
        unlocked["requiresCode"] = true;
        var code = $"PC-{Guid.NewGuid():N}"[..20].ToUpperInvariant();
        factory.PartnerCodes[code] = (await _admin.PublishAsync(unlocked), partner);
        return code;
    }

    private Task<Guid> PartnerOnlyAsync(string product, Guid partner)
    {
        var definition = PromotionsTestClient.PercentOffProduct(product, 5, "one partner's traffic only");
        definition["conditions"] = new JsonArray(new JsonObject { ["type"] = "partner", ["partnerIds"] = new JsonArray(partner) });
        return _admin.PublishAsync(definition);
    }

    private static void AssertPartner(JsonObject evaluation, Guid partnerId, string reason, string? code)
    {
        var partner = evaluation["partner"]!;
        Assert.Equal(partnerId, partner["partnerId"]!.GetValue<Guid>());
        Assert.Equal(reason, partner["reason"]!.GetValue<string>());
        Assert.Equal(code, partner["code"]?.GetValue<string>());
    }
}
