using PartnerMesh.Analytics.Api;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Analytics.Api.Segments;
using Xunit;

namespace PartnerMesh.Analytics.UnitTests;

public class KpiProjectorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 10, 0, 0, TimeSpan.Zero);

    private readonly ProjectionState _state = new();

    private KpiProjector Projector(string zone = "UTC") =>
        new(_state, TimeZoneInfo.FindSystemTimeZoneById(zone), new SegmentOptions { FrequentBuyerMinOrders = 3, HighAbandonerMinAbandonedCarts = 2 }, T0);

    private void Apply(params AnalyticsEvent[] events)
    {
        var projector = Projector();
        foreach (var e in events)
        {
            projector.Apply(e, replayed: false);
        }
    }

    private KpiFigures Figures(string dimension = Dimensions.All, string value = "") =>
        KpiFigureBuilder.Build(_state.Deltas.Values.Where(d => d.Granularity == Granularities.Day && d.Dimension == dimension && d.DimensionValue == value).ToList());

    private static AnalyticsEvent E(string type, int minute = 0, string? session = null, string? cart = null, string? order = null,
        decimal? amount = null, string? customer = null, Guid? partner = null) => new()
        {
            Type = type, OccurredAt = T0.AddMinutes(minute), VisitorId = "v", SessionId = session, CartId = cart, OrderId = order,
            Amount = amount, Currency = amount is null ? null : "EUR", CustomerId = customer, PartnerId = partner,
        };

    [Fact]
    public void OneSessionNineOrders_ConversionIs1()
    {
        Apply([E(EventTypes.PageView, session: "s"), .. Enumerable.Range(1, 9).Select(i => E(EventTypes.OrderCompleted, i, "s", order: $"o{i}", amount: 10m))]);

        var kpis = Figures();
        Assert.Equal((1L, 1L, 9L, 1m), (kpis.Sessions, kpis.ConvertedSessions, kpis.Orders, kpis.ConversionRate));
    }

    [Fact]
    public void TheSameOrderToldByFourServices_CountsOnce_AndItsFlagsOnce()
    {
        Apply(
            E(EventTypes.OrderCompleted, order: "o", amount: 50m),
            E(EventTypes.CouponRedeemed, order: "o", amount: 50m),
            E(EventTypes.CouponRedeemed, order: "o", amount: 50m),
            new AnalyticsEvent { Type = EventTypes.OrderPromotionsVerified, OccurredAt = T0, OrderId = "o", Amount = 50m, Currency = "EUR", PromotionCount = 2, Outcome = "mismatch" },
            new AnalyticsEvent { Type = EventTypes.QuoteMismatchDetected, OccurredAt = T0, OrderId = "o", Amount = 50m, Currency = "EUR" });

        var kpis = Figures();
        Assert.Equal((1L, 1L, 1L, 1L, 1L), (kpis.Orders, kpis.CouponOrders, kpis.VerifiedOrders, kpis.PromotionOrders, kpis.PromotionMismatches));
        Assert.Equal((1m, 1m, 1m), (kpis.CouponRedemptionRate, kpis.PromotionRedemptionRate, kpis.PromotionErrorRate));
        Assert.Equal(50m, Assert.Single(kpis.Sales).Revenue);
    }

    [Fact]
    public void AMismatchArrivingAlone_CountsTheOrderAsVerified_SoTheErrorRateStaysAtMost1()
    {
        Apply(new AnalyticsEvent { Type = EventTypes.QuoteMismatchDetected, OccurredAt = T0, OrderId = "o", Amount = 5m, Currency = "EUR" });

        Assert.Equal(1m, Figures().PromotionErrorRate);
    }

    [Fact]
    public void AttributionAfterTheOrder_MovesTheOrderIntoThePartnersRows_WithItsEarlierFlags()
    {
        var partner = Guid.NewGuid();
        Apply(
            E(EventTypes.OrderCompleted, order: "o", amount: 80m),
            E(EventTypes.CouponRedeemed, order: "o", amount: 80m),
            new AnalyticsEvent { Type = EventTypes.ConversionAttributed, OccurredAt = T0, OrderId = "o", Amount = 80m, Currency = "EUR", PartnerId = partner, Commission = 8m });

        var forPartner = Figures(Dimensions.Partner, partner.ToString());
        Assert.Equal((1L, 1L, 1L), (forPartner.Orders, forPartner.CouponOrders, forPartner.AttributedOrders));
        Assert.Equal((80m, 8m, 0.1m), (forPartner.Sales[0].Revenue, forPartner.Sales[0].Commission, forPartner.Sales[0].CommissionToRevenue));
        var all = Figures();
        Assert.Equal((1L, 80m, 1m), (all.Orders, all.Sales[0].PartnerRevenue, all.Sales[0].PartnerRevenueContribution));
    }

    [Fact]
    public void CartAbandonedThenOrdered_IsRecovered_AndRatesUseTheCartsOwnCounts()
    {
        Apply(
            E(EventTypes.AddToCart, cart: "a", amount: 10m, customer: "c"),
            E(EventTypes.AddToCart, cart: "b", amount: 10m),
            E(EventTypes.AddToCart, cart: "c", amount: 10m),
            E(EventTypes.RemoveFromCart, cart: "c", amount: 10m),
            new AnalyticsEvent { Type = EventTypes.CartAbandoned, OccurredAt = T0.AddHours(1), CartId = "a" },
            new AnalyticsEvent { Type = EventTypes.CartAbandoned, OccurredAt = T0.AddHours(1), CartId = "a" },
            new AnalyticsEvent { Type = EventTypes.CartAbandoned, OccurredAt = T0.AddHours(1), CartId = "b" },
            E(EventTypes.OrderCompleted, 90, cart: "a", order: "o", amount: 10m, customer: "c"),
            E(EventTypes.OrderCompleted, 91, cart: "a", order: "o2", amount: 10m, customer: "c"));

        var kpis = Figures();
        Assert.Equal((3L, 2L, 1L), (kpis.Carts, kpis.AbandonedCarts, kpis.RecoveredCarts));
        Assert.Equal((0.6667m, 0.5m), (kpis.CartAbandonmentRate, kpis.CartRecoveryRate));
        Assert.Equal("recovered", _state.Carts["a"].Status);
        Assert.Equal(0, _state.Carts["c"].Items);
    }

    [Fact]
    public void ACartWithoutItems_IsNeverAbandoned()
    {
        Apply(
            E(EventTypes.CheckoutStarted, cart: "empty"),
            new AnalyticsEvent { Type = EventTypes.CartAbandoned, OccurredAt = T0.AddHours(1), CartId = "empty" });

        Assert.Equal((0L, 0L, null), (Figures().Carts, Figures().AbandonedCarts, Figures().CartAbandonmentRate));
    }

    [Fact]
    public void SurveyAnswerBeforeItsShowing_CountsOnceTheShowingArrives()
    {
        var impression = Guid.NewGuid();
        Apply(
            new AnalyticsEvent { Type = EventTypes.SurveyResponseSubmitted, OccurredAt = T0, ImpressionId = impression, NpsScore = 9 },
            new AnalyticsEvent { Type = EventTypes.SurveyResponseSubmitted, OccurredAt = T0, NpsScore = 6 },
            new AnalyticsEvent { Type = EventTypes.SurveyShown, OccurredAt = T0, ImpressionId = impression },
            new AnalyticsEvent { Type = EventTypes.SurveyShown, OccurredAt = T0, ImpressionId = impression });

        var kpis = Figures();
        Assert.Equal((1L, 1L, 1m), (kpis.SurveysShown, kpis.SurveyResponses, kpis.SurveyResponseRate));
        Assert.Equal((2L, 0m), (kpis.NpsResponses, kpis.NetPromoterScore));
    }

    [Fact]
    public void Refunds_CountTheOrderOnce_AndEveryRefundsAmount()
    {
        Apply(
            E(EventTypes.OrderCompleted, order: "o", amount: 100m),
            E(EventTypes.OrderCompleted, order: "o2", amount: 100m),
            new AnalyticsEvent { Type = EventTypes.RefundRecorded, OccurredAt = T0.AddDays(2), OrderId = "o", Amount = 30m, Currency = "EUR" },
            new AnalyticsEvent { Type = EventTypes.RefundRecorded, OccurredAt = T0.AddDays(3), OrderId = "o", Amount = 70m, Currency = "EUR" });

        var kpis = Figures();
        Assert.Equal((2L, 1L, 0.5m), (kpis.Refunds, kpis.RefundedOrders, kpis.RefundRate));
        Assert.Equal(100m, kpis.Sales[0].RefundedAmount);
    }

    [Fact]
    public void Refunds_NetRevenueNeverBelowZero_AndACancellationTakesTheRestAndLeavesTheAverage()
    {
        Apply(
            E(EventTypes.OrderCompleted, order: "o", amount: 100m),
            E(EventTypes.OrderCompleted, order: "o2", amount: 40m),
            Refund("o", 60m),
            Refund("o", 60m),
            Refund("o2", 10m),
            Refund("o2", 0m, RefundKinds.Cancellation));

        var kpis = Figures();
        Assert.Equal((2L, 1L, 4L, 1m), (kpis.Orders, kpis.CancelledOrders, kpis.Refunds, kpis.RefundRate));
        var money = Assert.Single(kpis.Sales);
        Assert.Equal((1L, 0m, 140m, 130m, 0m), (money.Orders, money.Revenue, money.GrossRevenue, money.RefundedAmount, money.AverageOrderValue));
    }

    [Fact]
    public void APartnerLearnedAfterARefund_TakesTheNetMoneyAndTheCommissionNetOfItsReversal()
    {
        var partner = Guid.NewGuid();
        Apply(
            E(EventTypes.OrderCompleted, order: "o", amount: 100m),
            Refund("o", 25m) with { Commission = 0m },
            new AnalyticsEvent { Type = EventTypes.ConversionAttributed, OccurredAt = T0, OrderId = "o", Amount = 100m, Currency = "EUR", PartnerId = partner, Commission = 10m },
            Refund("o", 25m) with { Commission = 2.5m, PartnerId = partner });

        var money = Assert.Single(Figures(Dimensions.Partner, partner.ToString()).Sales);
        Assert.Equal((1L, 50m, 100m, 7.5m, 50m), (money.Orders, money.Revenue, money.GrossRevenue, money.Commission, money.RefundedAmount));
        var all = Assert.Single(Figures().Sales);
        Assert.Equal((50m, 50m, 1m), (all.Revenue, all.PartnerRevenue, all.PartnerRevenueContribution));
    }

    [Fact]
    public void CouponCodeOnTheOrder_AndCouponRedeemed_CountOneCouponOrder()
    {
        Apply(
            E(EventTypes.OrderCompleted, order: "o", amount: 10m) with { CouponCode = "SPRING10" },
            E(EventTypes.CouponRedeemed, order: "o", amount: 10m),
            E(EventTypes.CouponRedeemed, order: "o2", amount: 10m),
            E(EventTypes.OrderCompleted, order: "o2", amount: 10m) with { CouponCode = "SPRING10" },
            E(EventTypes.OrderCompleted, order: "o3", amount: 10m));

        Assert.Equal((3L, 2L), (Figures().Orders, Figures().CouponOrders));
    }

    private static AnalyticsEvent Refund(string order, decimal amount, string kind = RefundKinds.Refund) => new()
    {
        Type = EventTypes.RefundRecorded, OccurredAt = T0.AddDays(1), OrderId = order, Amount = amount, Currency = "EUR", Outcome = kind,
    };

    [Fact]
    public void Customers_MoveThroughSegments_AndEachChangeIsReported()
    {
        Apply(
            E(EventTypes.OrderCompleted, 1, order: "1", amount: 1m, customer: "c"),
            E(EventTypes.OrderCompleted, 2, order: "2", amount: 1m, customer: "c"),
            E(EventTypes.OrderCompleted, 3, order: "3", amount: 1m, customer: "c"),
            E(EventTypes.OrderCompleted, 3, order: "3", amount: 1m, customer: "c"),
            new AnalyticsEvent { Type = EventTypes.CustomerLapsed, OccurredAt = T0.AddDays(100), CustomerId = "c" });

        Assert.Equal([SegmentNames.FrequentBuyers, SegmentNames.LapsedCustomers], _state.Customers["c"].Segments);
        Assert.Equal(
            [(SegmentNames.FirstTimeBuyers, true), (SegmentNames.FirstTimeBuyers, false), (SegmentNames.FrequentBuyers, true), (SegmentNames.LapsedCustomers, true)],
            _state.SegmentChanges.Select(c => (c.Segment, c.Joined)));
        var kpis = Figures();
        Assert.Equal((3L, 1L, 2L, 0.6667m), (kpis.CustomerOrders, kpis.FirstOrders, kpis.RepeatOrders, kpis.RepeatPurchaseRate));
    }

    [Fact]
    public void ReplayedEvents_DoNotReportSegmentChangesAgain()
    {
        Projector().Apply(E(EventTypes.OrderCompleted, order: "1", amount: 1m, customer: "c"), replayed: true);

        Assert.Equal([SegmentNames.FirstTimeBuyers], _state.Customers["c"].Segments);
        Assert.Empty(_state.SegmentChanges);
    }

    [Fact]
    public void HighCartAbandoners_NeedEnoughAbandonedCartsAndShare()
    {
        Apply(
            E(EventTypes.AddToCart, cart: "1", customer: "c"),
            E(EventTypes.AddToCart, cart: "2", customer: "c"),
            new AnalyticsEvent { Type = EventTypes.CartAbandoned, OccurredAt = T0.AddHours(1), CartId = "1" });
        Assert.Empty(_state.Customers["c"].Segments);

        Apply(new AnalyticsEvent { Type = EventTypes.CartAbandoned, OccurredAt = T0.AddHours(1), CartId = "2" });
        Assert.Equal([SegmentNames.HighCartAbandoners], _state.Customers["c"].Segments);
    }

    [Fact]
    public void Periods_AreCutInTheReportingTimeZone()
    {
        var projector = Projector("America/New_York");
        projector.Apply(E(EventTypes.PageView) with { OccurredAt = new DateTimeOffset(2026, 3, 10, 3, 30, 0, TimeSpan.Zero) }, false);

        var hour = Assert.Single(_state.Deltas.Values, d => d.Granularity == Granularities.Hour && d.Dimension == Dimensions.All);
        var day = Assert.Single(_state.Deltas.Values, d => d.Granularity == Granularities.Day && d.Dimension == Dimensions.All);
        Assert.Equal(new DateTime(2026, 3, 9, 23, 0, 0), hour.Period);
        Assert.Equal(new DateTime(2026, 3, 9), day.Period);
    }

    [Fact]
    public void AnEventCountsUnderEachOfItsDimensions()
    {
        var partner = Guid.NewGuid();
        Projector().Apply(new AnalyticsEvent
        {
            Type = EventTypes.PageView, OccurredAt = T0, PartnerId = partner, UtmCampaign = "bf", UtmSource = "newsletter", Touchpoint = "landing",
        }, false);

        var dims = _state.Deltas.Values.Where(d => d.Granularity == Granularities.Day && !Dimensions.Pairs.Contains(d.Dimension))
            .Select(d => (d.Dimension, d.DimensionValue)).Order().ToList();
        Assert.Equal(
            [(Dimensions.All, ""), (Dimensions.Campaign, "bf"), (Dimensions.Partner, partner.ToString()), (Dimensions.Touchpoint, "landing"), (Dimensions.TrafficSource, "newsletter")],
            dims);
    }
}
