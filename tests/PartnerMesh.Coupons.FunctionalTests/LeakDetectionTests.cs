using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Coupons.FunctionalTests.CouponsTestClient;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>Redemptions of a partner's code that did not come from that partner, or came from a coupon site, are flagged
/// (the redemption stands; the flag is published for attribution).</summary>
public sealed class LeakDetectionTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private readonly HttpClient _admin = factory.Admin();
    private readonly HttpClient _storefront = factory.Storefront();

    [Fact]
    public async Task Redeem_PartnerCodeOnItsOwnTraffic_NotFlagged()
    {
        var owner = Guid.NewGuid();
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(partnerId: owner);

        var redemption = await RedeemAsync(code, "order-leak-own", owner, "https://blog.example/spring");

        Assert.Null(redemption["leakSuspected"]?.GetValue<string>());
        Assert.Equal(0, (await _admin.StatsAsync(campaignId)).Number("leakSuspected"));
    }

    [Fact]
    public async Task Redeem_PartnerCodeWithoutItsPartnersClick_FlaggedNoPartnerClick_AndPublished()
    {
        var owner = Guid.NewGuid();
        var other = Guid.NewGuid();
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(partnerId: owner);

        var redemption = await RedeemAsync(code, "order-leak-other", other, null);

        Assert.Equal("no_partner_click", redemption["leakSuspected"]!.GetValue<string>());
        Assert.Equal("redeemed", redemption["status"]!.GetValue<string>());
        Assert.Equal(owner, redemption["partnerId"]!.GetValue<Guid>());
        var flag = Assert.Single(await factory.OutboxEventsAsync("coupon-leak-suspected"), node => node["orderId"]!.GetValue<string>() == "order-leak-other");
        Assert.Equal(owner, flag["partnerId"]!.GetValue<Guid>());
        Assert.Equal(other, flag["trafficPartnerId"]!.GetValue<Guid>());
        Assert.Equal(1, (await _admin.StatsAsync(campaignId)).Number("leakSuspected"));
    }

    [Fact]
    public async Task Redeem_PartnerCodeFromACouponSite_FlaggedCouponSiteReferrer()
    {
        var owner = Guid.NewGuid();
        var (_, code) = await _admin.CampaignWithCodeAsync(partnerId: owner);

        var redemption = await RedeemAsync(code, "order-leak-site", owner, "https://www.retailmenot.com/view/shop.example");

        Assert.Equal("coupon_site_referrer", redemption["leakSuspected"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("https://ｒｅｔａｉｌｍｅｎｏｔ.com/view/shop")]  // full-width: the browser goes to retailmenot.com
    [InlineData("https://RetailMeNot.COM./view/shop")]       // upper case, fully qualified (trailing dot)
    [InlineData("https://JoinHoney.com.")]
    [InlineData("https://deals-example.test/")]              // configured as " WWW.Deals-Example.TEST. " (CouponsApiFactory)
    [InlineData("https://www.deals-example.test./x")]
    [InlineData("retailmenot.com")]                        // a bare host, no scheme
    [InlineData("www.retailmenot.com/view/shop")]
    [InlineData("//retailmenot.com/view/shop")]            // scheme-relative
    public async Task Redeem_CouponSiteHostInAnotherForm_StillFlaggedCouponSiteReferrer(string referrer)
    {
        var owner = Guid.NewGuid();
        var (_, code) = await _admin.CampaignWithCodeAsync(partnerId: owner);

        var redemption = await RedeemAsync(code, $"order-leak-form-{Guid.NewGuid():N}", owner, referrer);

        Assert.Equal("coupon_site_referrer", redemption["leakSuspected"]?.GetValue<string>());
    }

    [Fact]
    public async Task Redeem_CodeWithoutPartner_NeverFlagged()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync();

        var redemption = await RedeemAsync(code, "order-leak-none", null, "https://www.retailmenot.com/");

        Assert.Null(redemption["leakSuspected"]?.GetValue<string>());
    }

    [Fact]
    public async Task AutoRotation_AfterTheConfiguredNumberOfLeakedRedemptions_RetiresTheCodeAndIssuesAReplacement()
    {
        var owner = Guid.NewGuid();
        var settings = new JsonObject { ["leaks"] = new JsonObject { ["autoRotate"] = true, ["rotateAfter"] = 2 } };
        var (campaignId, code) = await _admin.CampaignWithCodeAsync(settings, partnerId: owner);

        await RedeemAsync(code, $"order-rot-{Guid.NewGuid():N}", null, null);
        Assert.Null((await CodeAsync(code))["retiredAt"]?.GetValue<DateTimeOffset>());
        await RedeemAsync(code, $"order-rot-{Guid.NewGuid():N}", owner, "https://www.retailmenot.com/x");

        var retired = await CodeAsync(code);
        Assert.NotNull(retired["retiredAt"]?.GetValue<DateTimeOffset>());
        var replacementId = retired["replacedById"]!.GetValue<Guid>();
        var announced = Assert.Single(await factory.OutboxEventsAsync("coupon-issued"), node => node["codeId"]!.GetValue<Guid>() == replacementId);
        Assert.Equal("rotation", announced["source"]!.GetValue<string>());
        Assert.Equal(owner, announced["partnerId"]!.GetValue<Guid>());
        Assert.Equal(campaignId, announced["campaignId"]!.GetValue<Guid>());
        Assert.Equal("retired", (await _storefront.ValidateAsync(Validation(code))).Reason());
        Assert.True((await _storefront.ValidateAsync(Validation(announced["code"]!.GetValue<string>())))["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task LeakedRedemption_WithoutAutoRotation_KeepsTheCode()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync(partnerId: Guid.NewGuid());

        await RedeemAsync(code, $"order-norot-{Guid.NewGuid():N}", null, null);

        Assert.Null((await CodeAsync(code))["retiredAt"]?.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task LeakPolicy_RotateAfterZero_Returns400()
    {
        var body = new JsonObject { ["name"] = "bad", ["promotionId"] = Guid.NewGuid(), ["leaks"] = new JsonObject { ["autoRotate"] = true, ["rotateAfter"] = 0 } };
        var problem = await (await _admin.PostAsJsonAsync("/api/coupons/campaigns", body, TestContext.Current.CancellationToken)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"leaks.rotateAfter\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
    }

    private async Task<JsonObject> CodeAsync(string code) =>
        await (await _admin.GetAsync($"/api/coupons/codes/{code}", TestContext.Current.CancellationToken)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

    [Fact]
    public async Task Redeem_ReferrerOver2000Characters_Returns400()
    {
        var request = Redemption("ANY", "order-long-referrer", null);
        request["referrer"] = "https://example.com/" + new string('x', 2_000);
        await (await _storefront.RedeemAsync(request)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    private async Task<JsonObject> RedeemAsync(string code, string orderId, Guid? trafficPartner, string? referrer)
    {
        var reserved = await (await _storefront.ReserveAsync(Reservation(code, partnerId: trafficPartner))).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var request = Redemption(code, orderId, reserved["reservationId"]!.GetValue<Guid>(), partnerId: trafficPartner);
        request["referrer"] = referrer;
        return await (await _storefront.RedeemAsync(request)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
    }
}
