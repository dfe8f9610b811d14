using System.Net;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.Contracts.Promotions;
using PartnerMesh.Contracts.Surveys;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Analytics.FunctionalTests;

public class KpiAggregationTests(BehaviourApiFactory factory) : IClassFixture<BehaviourApiFactory>
{
    private static readonly DateTimeOffset Noon = new(2025, 3, 10, 11, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateOnly Day => DateOnly.FromDateTime(Noon.UtcDateTime);

    private static string Campaign() => $"c-{Guid.NewGuid():N}";

    private static string CampaignUrl(string campaign) => Behaviour.KpiUrl("campaign", campaign, Day.AddDays(-2), Day.AddDays(5));

    [Fact]
    public async Task OneSessionWithNineOrders_ConversionRateIs1NotNineHundredPercent()
    {
        var campaign = Campaign();
        var events = new List<object> { Behaviour.Event(EventTypes.PageView, Noon, campaign, session: "s-900-" + campaign) };
        events.AddRange(Enumerable.Range(0, 9).Select(i =>
            Behaviour.Event(EventTypes.OrderCompleted, Noon.AddMinutes(i + 1), campaign, session: "s-900-" + campaign, order: $"o{i}-{campaign}", amount: 10m)));

        await factory.IngestAsync(events, Ct);

        var report = await factory.WaitForReportAsync(CampaignUrl(campaign), r => r.Totals.Count == 1 && r.Total().Orders == 9, Ct);
        var kpis = report.Total();
        Assert.Equal((1L, 1L, 1m), (kpis.Sessions, kpis.ConvertedSessions, kpis.ConversionRate));
        var eur = Assert.Single(kpis.Sales);
        Assert.Equal(("EUR", 9L, 90m, 10m), (eur.Currency, eur.Orders, eur.Revenue, eur.AverageOrderValue));
    }

    [Fact]
    public async Task SessionsWithoutOrders_AndNoSessions_GiveZeroAndNullRates()
    {
        var campaign = Campaign();
        await factory.IngestAsync(
            [
                Behaviour.Event(EventTypes.PageView, Noon, campaign, session: "a-" + campaign),
                Behaviour.Event(EventTypes.PageView, Noon, campaign, session: "b-" + campaign),
            ],
            Ct);

        var kpis = (await factory.WaitForReportAsync(CampaignUrl(campaign), r => r.Totals.Count == 1 && r.Total().Sessions == 2, Ct)).Total();
        var empty = (await factory.ReportAsync(CampaignUrl(Campaign()), Ct)).Total();

        Assert.Equal(0m, kpis.ConversionRate);
        Assert.Null(kpis.CartAbandonmentRate);
        Assert.Null(kpis.CouponRedemptionRate);
        Assert.Null(kpis.NetPromoterScore);
        Assert.Equal((0L, null, null), (empty.Sessions, empty.ConversionRate, empty.RefundRate));
        Assert.Empty(empty.Sales);
    }

    [Fact]
    public async Task DaysAndHours_AreCutInTheReportingTimeZone()
    {
        var campaign = Campaign();

        // 23:30 UTC on 10 March is 00:30 on 11 March in Berlin (UTC+1 in March before DST).
        await factory.IngestAsync([Behaviour.Event(EventTypes.PageView, new DateTimeOffset(2025, 3, 10, 23, 30, 0, TimeSpan.Zero), campaign)], Ct);

        var days = await factory.WaitForReportAsync(CampaignUrl(campaign), r => r.Rows.Count == 1, Ct);
        var hours = await factory.ReportAsync(Behaviour.KpiUrl("campaign", campaign, new DateOnly(2025, 3, 10), new DateOnly(2025, 3, 11), "hour"), Ct);
        Assert.Equal("2025-03-11", days.Rows[0].Period);
        Assert.Equal("2025-03-11T00:00", Assert.Single(hours.Rows).Period);
        Assert.Equal(BehaviourApiFactory.TimeZone, days.TimeZone);
    }

    [Fact]
    public async Task CouponPromotionRefundAndSurveyEvents_GiveTheirRates()
    {
        var campaign = Campaign();
        var partner = Guid.NewGuid();
        var orders = Enumerable.Range(0, 4).Select(i => $"o{i}-{campaign}").ToArray();
        await factory.IngestAsync(
            orders.Select((order, i) => (object)Behaviour.Event(EventTypes.OrderCompleted, Noon.AddMinutes(i), campaign, order: order, amount: 25m)),
            Ct);
        var url = CampaignUrl(campaign);
        await factory.WaitForReportAsync(url, r => r.Totals.Count == 1 && r.Total().Orders == 4, Ct);

        // A coupon used on one order (told twice, by two events), promotions verified on two orders with one mismatch,
        // one order refunded twice, surveys shown twice and answered once (a promoter) plus one detractor.
        var redeemed = Coupon(orders[0]);
        await factory.PublishAsync(redeemed);
        await factory.PublishAsync(redeemed with { EventId = Guid.NewGuid() });
        await factory.PublishAsync(Verified(orders[1], "honoured", promotions: 1));
        await factory.PublishAsync(Verified(orders[2], "mismatch", promotions: 0));
        await factory.PublishAsync(Mismatch(orders[2]));
        await factory.PublishAsync(Refund(orders[3], "r1", 5m, partner));
        await factory.PublishAsync(Refund(orders[3], "r2", 20m, partner));
        var impression = Guid.NewGuid();
        await factory.PublishAsync(Shown(impression, campaign));
        await factory.PublishAsync(Shown(Guid.NewGuid(), campaign));
        await factory.PublishAsync(Answer(impression, campaign, 10));
        await factory.PublishAsync(Answer(null, campaign, 3));

        var kpis = (await factory.WaitForReportAsync(url, r => r.Totals.Count == 1 && r.Total() is { NpsResponses: 2, Refunds: 2, SurveyResponses: 1, CouponOrders: 1, PromotionMismatches: 1 }, Ct)).Total();
        Assert.Equal(0.25m, kpis.CouponRedemptionRate);
        Assert.Equal((2L, 1L, 0.5m), (kpis.VerifiedOrders, kpis.PromotionOrders, kpis.PromotionRedemptionRate));
        Assert.Equal(0.5m, kpis.PromotionErrorRate);
        Assert.Equal((1L, 0.25m), (kpis.RefundedOrders, kpis.RefundRate));
        // The refunded order stays an order; revenue is net of the 25 paid back, the gross beside it.
        var money = Assert.Single(kpis.Sales);
        Assert.Equal((4L, 75m, 100m, 25m, 18.75m), (money.Orders, money.Revenue, money.GrossRevenue, money.RefundedAmount, money.AverageOrderValue));
        Assert.Equal(0.5m, kpis.SurveyResponseRate);
        Assert.Equal(0m, kpis.NetPromoterScore);
    }

    [Fact]
    public async Task AttributedOrders_CountForTheirPartner_WithShareOfRevenueAndCommission()
    {
        var campaign = Campaign();
        var partner = Guid.NewGuid();
        await factory.IngestAsync(
            [
                Behaviour.Event(EventTypes.OrderCompleted, Noon, campaign, order: "p1-" + campaign, amount: 30m),
                Behaviour.Event(EventTypes.OrderCompleted, Noon, campaign, order: "p2-" + campaign, amount: 70m, partner: partner),
            ],
            Ct);
        await factory.PublishAsync(new ConversionAttributed
        {
            EventId = Guid.NewGuid(), OccurredAt = Noon.AddMinutes(3), ConversionId = Guid.NewGuid(), OrderId = "p1-" + campaign,
            PartnerId = partner, OrderAmount = 30m, Currency = "EUR", CommissionAmount = 3m, OrderedAt = Noon,
        });

        var partnerUrl = Behaviour.KpiUrl("partner", partner.ToString(), Day, Day);
        var kpis = (await factory.WaitForReportAsync(partnerUrl, r => r.Totals.Count == 1 && r.Total().AttributedOrders == 1, Ct)).Total();

        Assert.Equal(2, kpis.Orders);
        var eur = Assert.Single(kpis.Sales);
        Assert.Equal((100m, 3m, 0.03m), (eur.Revenue, eur.Commission, eur.CommissionToRevenue));
        Assert.NotNull(eur.RevenueShare);

        // The partner may read its own numbers, not another partner's nor other dimensions.
        var own = await factory.CreatePartnerClient(partner).GetAsync($"/api/analytics/kpis?from={Day:yyyy-MM-dd}&to={Day:yyyy-MM-dd}", Ct);
        var other = await factory.CreatePartnerClient(partner).GetAsync(Behaviour.KpiUrl("partner", Guid.NewGuid().ToString(), Day, Day), Ct);
        var campaignView = await factory.CreatePartnerClient(partner).GetAsync(CampaignUrl(campaign), Ct);
        Assert.Equal(2, (await own.ShouldBeAsync<KpiReport>(HttpStatusCode.OK)).Total().Orders);
        await other.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await campaignView.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task CartWithItems_IdleBeyondTheIdleTime_IsAbandonedAndPublished_ThenRecoveredByItsOrder_AndTheRecoveryPublished()
    {
        var campaign = Campaign();
        var cart = "cart-" + campaign;
        var ordered = "cart-ordered-" + campaign;
        var now = DateTimeOffset.UtcNow;
        await factory.IngestAsync(
            [
                Behaviour.Event(EventTypes.AddToCart, now, campaign, cart: cart, amount: 40m, customer: "cust-" + campaign),
                Behaviour.Event(EventTypes.AddToCart, now, campaign, cart: ordered, amount: 15m),
                Behaviour.Event(EventTypes.OrderCompleted, now, campaign, cart: ordered, order: "o-" + ordered, amount: 15m),
                Behaviour.Event(EventTypes.CheckoutStarted, now, campaign, cart: "empty-" + campaign),
            ],
            Ct);
        var url = Behaviour.KpiUrl("campaign", campaign, DateOnly.FromDateTime(now.UtcDateTime).AddDays(-1), DateOnly.FromDateTime(now.UtcDateTime).AddDays(1));

        var abandoned = (await factory.WaitForReportAsync(url, r => r.Totals.Count == 1 && r.Total().AbandonedCarts >= 1, Ct)).Total();
        Assert.Equal((2L, 1L, 0.5m, 0m), (abandoned.Carts, abandoned.AbandonedCarts, abandoned.CartAbandonmentRate, abandoned.CartRecoveryRate));
        var published = (await factory.QueryDbAsync(db => db.Set<PartnerMesh.Outbox.OutboxMessage>().AsNoTracking()
            .Where(m => m.MessageUrn == "urn:message:partnermesh:analytics:cart-abandoned:v1").ToListAsync(Ct)))
            .Select(m => System.Text.Json.JsonSerializer.Deserialize<CartAbandoned>(m.Payload, EventLog.Json)!)
            .Where(m => m.CartId == cart).ToList();
        var message = Assert.Single(published);
        Assert.Equal((40m, "EUR", "cust-" + campaign), (message.CartTotal, message.Currency, message.CustomerId));

        await factory.IngestAsync([Behaviour.Event(EventTypes.OrderCompleted, DateTimeOffset.UtcNow, campaign, cart: cart, order: "o-" + cart, amount: 40m)], Ct);

        var recovered = (await factory.WaitForReportAsync(url, r => r.Total().RecoveredCarts == 1, Ct)).Total();
        Assert.Equal((1L, 1m), (recovered.AbandonedCarts, recovered.CartRecoveryRate));
        var recoveries = (await factory.QueryDbAsync(db => db.Set<PartnerMesh.Outbox.OutboxMessage>().AsNoTracking()
            .Where(m => m.MessageUrn == "urn:message:partnermesh:analytics:cart-recovered:v1").ToListAsync(Ct)))
            .Select(m => System.Text.Json.JsonSerializer.Deserialize<CartRecovered>(m.Payload, EventLog.Json)!)
            .Where(m => m.CartId == cart || m.CartId == ordered).ToList();
        var recovery = Assert.Single(recoveries); // the cart ordered before it went stale was never abandoned: nothing to recover
        Assert.Equal((cart, "o-" + cart, "cust-" + campaign), (recovery.CartId, recovery.OrderId, recovery.CustomerId));
    }

    [Fact]
    public async Task Customers_AreCountedAsFirstAndRepeatBuyers()
    {
        var campaign = Campaign();
        var customer = "cust-" + campaign;
        // Recent orders: orders more than 90 days old would make the customer lapsed as well.
        var now = DateTimeOffset.UtcNow;
        await factory.IngestAsync(
            Enumerable.Range(0, 3).Select(i => (object)Behaviour.Event(EventTypes.OrderCompleted, now.AddMinutes(i - 10), campaign, order: $"r{i}-{campaign}", amount: 10m, customer: customer)),
            Ct);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var url = Behaviour.KpiUrl("campaign", campaign, today.AddDays(-1), today.AddDays(1));

        var kpis = (await factory.WaitForReportAsync(url, r => r.Totals.Count == 1 && r.Total().CustomerOrders == 3, Ct)).Total();

        Assert.Equal((1L, 2L, 0.6667m), (kpis.FirstOrders, kpis.RepeatOrders, kpis.RepeatPurchaseRate));
        var segments = await Eventually.GetAsync(() => factory.QueryDbAsync(db => db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.CustomerId == customer, Ct)));
        Assert.Equal(["frequent_buyers"], segments.Segments);
    }

    [Fact]
    public async Task Replay_RebuildsTheSameKpis()
    {
        var campaign = Campaign();
        await factory.IngestAsync(
            [
                Behaviour.Event(EventTypes.PageView, Noon, campaign, session: "rp-" + campaign),
                Behaviour.Event(EventTypes.AddToCart, Noon, campaign, session: "rp-" + campaign, cart: "rc-" + campaign, amount: 20m),
                Behaviour.Event(EventTypes.OrderCompleted, Noon.AddMinutes(5), campaign, session: "rp-" + campaign, cart: "rc-" + campaign, order: "ro-" + campaign, amount: 20m, customer: "rcu-" + campaign),
            ],
            Ct);
        await factory.PublishAsync(Coupon("ro-" + campaign));
        var url = CampaignUrl(campaign);
        var before = await factory.WaitForReportAsync(url, r => r.Totals.Count == 1 && r.Total().CouponOrders == 1, Ct);
        var beforeAll = await factory.ReportAsync(Behaviour.KpiUrl("all", null, Day.AddDays(-2), Day.AddDays(5)), Ct);

        await factory.ReplayAsync(Ct);

        var after = await factory.ReportAsync(url, Ct);
        var afterAll = await factory.ReportAsync(Behaviour.KpiUrl("all", null, Day.AddDays(-2), Day.AddDays(5)), Ct);
        Assert.Equivalent(before, after, strict: true);
        Assert.Equivalent(beforeAll.Totals, afterAll.Totals, strict: true);
    }

    private static CouponRedeemed Coupon(string orderId) => new()
    {
        EventId = Guid.NewGuid(), OccurredAt = Noon.AddMinutes(1), RedemptionId = Guid.NewGuid(), OrderId = orderId, CodeId = Guid.NewGuid(),
        Code = "SPRING10", CampaignId = Guid.NewGuid(), PromotionId = Guid.NewGuid(), OrderTotal = 25m, Currency = "EUR",
    };

    private static OrderPromotionsVerified Verified(string orderId, string outcome, int promotions) => new()
    {
        EventId = Guid.NewGuid(), OccurredAt = Noon.AddMinutes(2), OrderId = orderId, QuoteId = Guid.NewGuid(), Outcome = outcome,
        Currency = "EUR", DiscountTotal = 0m, GrandTotal = 25m,
        Promotions = Enumerable.Range(0, promotions).Select(_ => new RedeemedPromotion { PromotionId = Guid.NewGuid(), Version = 1, Amount = 2m }).ToList(),
    };

    private static QuoteMismatchDetected Mismatch(string orderId) => new()
    {
        EventId = Guid.NewGuid(), OccurredAt = Noon.AddMinutes(2), OrderId = orderId, QuoteId = Guid.NewGuid(), Reason = "charged_differs",
        Currency = "EUR", QuotedGrandTotal = 20m, ChargedGrandTotal = 25m, ExpectedGrandTotal = 20m,
    };

    private static RefundRecorded Refund(string orderId, string refundId, decimal amount, Guid partner) => new()
    {
        EventId = Guid.NewGuid(), OccurredAt = Noon.AddDays(1), RefundId = refundId + "-" + orderId, OrderId = orderId, Kind = "refund",
        Amount = amount, Currency = "EUR", IsFullRefund = false, RefundedAt = Noon.AddDays(1), PartnerId = partner, CommissionReversed = 0m,
    };

    private static SurveyShown Shown(Guid impression, string campaign) => new()
    {
        EventId = Guid.NewGuid(), OccurredAt = Noon, ImpressionId = impression, SurveyId = Guid.NewGuid(), SurveyVersion = 1,
        SurveyKind = "nps", Trigger = "post-purchase", Touchpoint = "order", VisitorId = "v-1", CampaignId = campaign,
    };

    private static SurveyResponseSubmitted Answer(Guid? impression, string campaign, int score) => new()
    {
        EventId = Guid.NewGuid(), OccurredAt = Noon.AddMinutes(1), ResponseId = Guid.NewGuid(), SurveyId = Guid.NewGuid(), SurveyVersion = 1,
        SurveyKind = "nps", Touchpoint = "order", VisitorId = "v-1", ImpressionId = impression, CampaignId = campaign, NpsScore = score,
        ReasonCodes = [],
    };
}
