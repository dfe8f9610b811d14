using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Attribution.FunctionalTests.ProgramHelpers;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>
/// One code text is one code everywhere: attribution reads an order's <c>couponCode</c> (and a click's code) by the rule
/// coupons and promotions read codes by (NFKC, trimmed, case-insensitive), and a coupons partner code the order redeemed
/// owns its text over a referral link code spelled the same.
/// </summary>
public class CodeIdentityTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private readonly HttpClient _storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CouponCode_TypedFullWidthAndPadded_CreditsTheLinkCodesPartner()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.1 } });
        var partner = await _admin.CreateProgramPartnerAsync(program.Id);
        var link = await _admin.CreateLinkAsync(partner.Id);

        var order = await _storefront.ConvertAsync(Order(45m) with { CouponCode = "  " + FullWidth(link.Code.ToUpperInvariant()) + " " });

        Assert.Equal((true, partner.Id, AttributionDecision.CouponCode), (order.Attributed, order.PartnerId, order.Reason));
    }

    [Fact]
    public async Task ClickCode_TypedFullWidth_IsTheLinkCode()
    {
        var partner = await _admin.CreatePartnerAsync();
        var link = await _admin.CreateLinkAsync(partner.Id);

        var response = await _storefront.PostAsJsonAsync("/api/attribution/clicks", new { code = FullWidth(link.Code) }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task CouponsPartnerCode_BeatsALinkCodeOfTheSameText_WhenTheRedemptionArrivesFirst()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.1 } });
        var codeOwner = await _admin.CreateProgramPartnerAsync(program.Id);
        var linkOwner = await _admin.CreateProgramPartnerAsync(program.Id);
        var link = await _admin.CreateLinkAsync(linkOwner.Id);
        var orderId = NewOrderId();
        await factory.PublishAsync(Redeemed(orderId, codeOwner.Id, link.Code.ToUpperInvariant()));
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.CouponSignals.AnyAsync(s => s.OrderId == orderId && s.RedeemedAt != null, Ct)));

        var order = await _storefront.ConvertAsync(new RecordConversionRequest(orderId, null, 45m, "EUR", null, CouponCode: link.Code));

        Assert.Equal((codeOwner.Id, AttributionDecision.CouponCode, 4.50m), (order.PartnerId, order.Reason, order.CommissionAmount));
        Assert.False(await factory.QueryDbAsync(db => db.Commissions.AnyAsync(c => c.OrderId == orderId && c.PartnerId == linkOwner.Id, Ct)));
    }

    [Fact]
    public async Task CouponsPartnerCode_BeatsALinkCodeOfTheSameText_WhenTheOrderArrivesFirst()
    {
        var program = await _admin.CreateProgramAsync(new { plan = new { type = "percent", rate = 0.1 } });
        var codeOwner = await _admin.CreateProgramPartnerAsync(program.Id);
        var linkOwner = await _admin.CreateProgramPartnerAsync(program.Id);
        var link = await _admin.CreateLinkAsync(linkOwner.Id);
        var order = await _storefront.ConvertAsync(Order(45m) with { CouponCode = link.Code.ToUpperInvariant() });
        Assert.Equal(linkOwner.Id, order.PartnerId); // nothing yet says the text is a coupons code

        await factory.PublishAsync(Redeemed(order.OrderId, codeOwner.Id, link.Code.ToUpperInvariant()));

        var moved = await Eventually.GetAsync(async () =>
        {
            var current = await (await _storefront.GetAsync($"/api/attribution/conversions/{order.OrderId}", Ct)).ShouldBeAsync<ConversionResponse>(HttpStatusCode.OK);
            return current.PartnerId == codeOwner.Id ? current : null;
        }, because: "the coupons partner code owns its text: the order moves to its partner");
        Assert.Equal((AttributionDecision.CouponCode, 4.50m), (moved.Reason, moved.CommissionAmount));
        var linkOwnerTotal = await factory.QueryDbAsync(db => db.Commissions.Where(c => c.OrderId == order.OrderId && c.PartnerId == linkOwner.Id).SumAsync(c => c.Amount, Ct));
        Assert.Equal(0m, linkOwnerTotal);
    }

    [Fact]
    public async Task CreateLink_WithTheTextOfACouponsPartnerCode_Refused409NamingIt_ACodeOfNobodysDoesNotBlock()
    {
        var codeOwner = await _admin.CreatePartnerAsync();
        var linkOwner = await _admin.CreatePartnerAsync();
        var taken = AttributionClientExtensions.UniqueCode("cp");
        var personal = AttributionClientExtensions.UniqueCode("pc");
        // Coupons stores codes upper-case; an issued code typed full-width is the same text.
        await factory.PublishAsync(Issued(FullWidth(taken.ToUpperInvariant()), codeOwner.Id));
        await factory.PublishAsync(Issued(personal.ToUpperInvariant(), partnerId: null));
        var marker = AttributionClientExtensions.UniqueCode("mk");
        await factory.PublishAsync(Issued(marker.ToUpperInvariant(), codeOwner.Id));
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.CouponPartnerCodes.AnyAsync(c => c.Code == taken, Ct)));
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.CouponPartnerCodes.AnyAsync(c => c.Code == marker, Ct)));

        var refused = await _admin.PostAsJsonAsync($"/api/attribution/partners/{linkOwner.Id}/links",
            new { targetUrl = "https://shop.example/landing", code = taken }, Ct);

        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains(taken, problem.Detail, StringComparison.Ordinal);
        Assert.Contains(codeOwner.Id.ToString(), problem.Detail, StringComparison.Ordinal);
        Assert.False(await factory.QueryDbAsync(db => db.CouponPartnerCodes.AnyAsync(c => c.Code == personal, Ct)));
        await _admin.CreateLinkAsync(linkOwner.Id, code: personal);
    }

    private static string FullWidth(string text) =>
        new([.. text.Select(c => c is >= '!' and <= '~' ? (char)(c - '!' + '！') : c)]);

    private static CouponRedeemed Redeemed(string orderId, Guid codePartnerId, string code) => new()
    {
        EventId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, RedemptionId = Guid.NewGuid(), OrderId = orderId, CodeId = Guid.NewGuid(),
        Code = code, CampaignId = Guid.NewGuid(), PromotionId = Guid.NewGuid(), OrderTotal = 45m, Currency = "EUR",
        PartnerId = codePartnerId, TrafficPartnerId = null, CodePartnerId = codePartnerId,
    };

    private static CouponIssued Issued(string code, Guid? partnerId) => new()
    {
        EventId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, CodeId = Guid.NewGuid(), Code = code, CampaignId = Guid.NewGuid(),
        PromotionId = Guid.NewGuid(), Source = partnerId is null ? "personal" : "single", PartnerId = partnerId,
    };
}
