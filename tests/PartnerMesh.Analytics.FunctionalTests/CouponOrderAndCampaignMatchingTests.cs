using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Campaigns;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

/// <summary>
/// The storefront's <c>couponCode</c> on <c>order_completed</c> makes a coupon order, counted once with coupons'
/// <c>CouponRedeemed</c> for the same order whichever arrives first; <c>utm_campaign</c> matches in any case.
/// </summary>
public class CouponOrderAndCampaignMatchingTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static readonly DateTimeOffset Noon = new(2025, 5, 6, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateOnly Day => DateOnly.FromDateTime(Noon.UtcDateTime);

    [Fact]
    public async Task CouponCodeOnTheOrder_CountsACouponOrder_OnceWithCouponRedeemed_InEitherOrder()
    {
        var partner = Guid.NewGuid();
        var url = Behaviour.KpiUrl("partner", partner.ToString(), Day, Day);
        string Order(int i) => $"o{i}-{partner}";

        // o4: coupons tells first; then the storefront's orders: o1 and o2 and o4 name a code, o3 none; then coupons tells of o1.
        var early = Redeemed(Order(4), partner);
        await factory.PublishAsync(early);
        await factory.WaitForReportAsync(url, r => r.Totals.Count == 1 && r.Total().CouponOrders == 1, Ct);
        await factory.IngestAsync(
            [OrderWithCode(Order(1), partner, "SPRING10"), OrderWithCode(Order(2), partner, "SPRING10"), OrderWithCode(Order(3), partner, null), OrderWithCode(Order(4), partner, "SPRING10")],
            Ct);
        var late = Redeemed(Order(1), partner);
        await factory.PublishAsync(late);
        string[] logIds = [$"coupon-redeemed:{early.RedemptionId}", $"coupon-redeemed:{late.RedemptionId}"];
        await Eventually.UntilAsync(
            async () => await factory.QueryDbAsync(db => db.RawEvents.CountAsync(raw => logIds.Contains(raw.EventId) && raw.AggregatedAt != null, Ct)) == 2,
            because: "both redemptions should be counted");

        var kpis = (await factory.WaitForReportAsync(url, r => r.Total().Orders == 4, Ct)).Total();
        Assert.Equal((4L, 3L, 0.75m), (kpis.Orders, kpis.CouponOrders, kpis.CouponRedemptionRate));
    }

    [Fact]
    public async Task UtmCampaign_InAnyCase_CountsUnderOneCampaign_ThatReportsAndFiltersInAnyCase()
    {
        var id = Guid.NewGuid().ToString("N");
        var code = $"Black-Friday-{id}";
        await factory.IngestAsync(
            [
                Behaviour.Event(EventTypes.PageView, Noon, code, session: "a-" + id),
                Behaviour.Event(EventTypes.PageView, Noon, code.ToLowerInvariant(), session: "b-" + id),
                Behaviour.Event(EventTypes.OrderCompleted, Noon, code.ToUpperInvariant(), session: "c-" + id, order: "o-" + id, amount: 20m),
            ],
            Ct);

        var report = await factory.WaitForReportAsync(Behaviour.KpiUrl("campaign", code, Day, Day), r => r.Totals.Count == 1 && r.Total().Sessions == 3, Ct);
        Assert.Equal((code.ToLowerInvariant(), 1L), (Assert.Single(report.Totals).DimensionValue, report.Total().Orders));

        var admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
        var campaign = await (await admin.PostAsJsonAsync(
                "/api/analytics/campaigns", new SaveCampaignRequest("Black Friday", code, Day, Day, null, null, null, "EUR"), Ct))
            .ShouldBeAsync<CampaignResponse>(HttpStatusCode.Created);
        var campaignReport = await (await admin.GetAsync($"/api/analytics/campaigns/{campaign.Id}/report", Ct)).ShouldBeAsync<CampaignReport>(HttpStatusCode.OK);
        Assert.Equal((3L, 1L, 20m), (campaignReport.Kpis.Sessions, campaignReport.Kpis.Orders, Assert.Single(campaignReport.Kpis.Sales).Revenue));
    }

    private static Dictionary<string, object?> OrderWithCode(string order, Guid partner, string? code)
    {
        var e = Behaviour.Event(EventTypes.OrderCompleted, Noon, order: order, amount: 10m, partner: partner);
        if (code is not null)
        {
            e["couponCode"] = code;
        }

        return e;
    }

    private static CouponRedeemed Redeemed(string order, Guid partner) => new()
    {
        EventId = Guid.NewGuid(), OccurredAt = Noon.AddMinutes(1), RedemptionId = Guid.NewGuid(), OrderId = order, CodeId = Guid.NewGuid(),
        Code = "SPRING10", CampaignId = Guid.NewGuid(), PromotionId = Guid.NewGuid(), OrderTotal = 10m, Currency = "EUR", PartnerId = partner,
    };
}
