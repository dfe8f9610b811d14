using System.Net;
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

    [Fact]
    public async Task Redeem_CodeWithoutPartner_NeverFlagged()
    {
        var (_, code) = await _admin.CampaignWithCodeAsync();

        var redemption = await RedeemAsync(code, "order-leak-none", null, "https://www.retailmenot.com/");

        Assert.Null(redemption["leakSuspected"]?.GetValue<string>());
    }

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
