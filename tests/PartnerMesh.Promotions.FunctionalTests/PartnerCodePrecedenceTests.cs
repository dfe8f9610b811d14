using System.Text.Json.Nodes;
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
        var (codePartner, clickPartner) = (Guid.NewGuid(), Guid.NewGuid());
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
