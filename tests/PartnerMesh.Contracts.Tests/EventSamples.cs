using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.Contracts.Promotions;
using PartnerMesh.Contracts.Surveys;

namespace PartnerMesh.Contracts.Tests;

/// <summary>
/// One deterministic instance of every integration event, with every property set, so the snapshot shows the whole
/// wire shape. A new event type needs an entry here (and an approved snapshot) before its tests pass.
/// </summary>
internal static class EventSamples
{
    private static readonly Guid EventId = Guid.Parse("0193a1b2-0000-7000-8000-000000000001");
    private static readonly Guid PartnerId = Guid.Parse("0193a1b2-0000-7000-8000-0000000000a1");
    private static readonly Guid LinkId = Guid.Parse("0193a1b2-0000-7000-8000-0000000000b1");
    private static readonly Guid ClickId = Guid.Parse("0193a1b2-0000-7000-8000-0000000000c1");
    private static readonly Guid PromotionId = Guid.Parse("0193a1b2-0000-7000-8000-0000000000e1");
    private static readonly Guid QuoteId = Guid.Parse("0193a1b2-0000-7000-8000-0000000000f1");
    private static readonly Guid CampaignId = Guid.Parse("0193a1b2-0000-7000-8000-000000000101");
    private static readonly Guid CodeId = Guid.Parse("0193a1b2-0000-7000-8000-000000000102");
    private static readonly Guid ReservationId = Guid.Parse("0193a1b2-0000-7000-8000-000000000103");
    private static readonly Guid RedemptionId = Guid.Parse("0193a1b2-0000-7000-8000-000000000104");
    private static readonly Guid ProgramId = Guid.Parse("0193a1b2-0000-7000-8000-000000000201");
    private static readonly Guid CommissionId = Guid.Parse("0193a1b2-0000-7000-8000-000000000202");
    private static readonly Guid PayoutBatchId = Guid.Parse("0193a1b2-0000-7000-8000-000000000203");
    private static readonly DateTimeOffset OccurredAt = new(2025, 3, 14, 9, 26, 53, 589, TimeSpan.Zero);

    public static IReadOnlyDictionary<Type, IIntegrationEvent> All { get; } = new IIntegrationEvent[]
    {
        new PartnerRegistered
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            PartnerId = PartnerId,
            Name = "Acme Affiliates",
            Email = "partners@acme.example",
            Kind = "affiliate",
            CommissionRate = 0.075m,
        },
        new ReferralLinkCreated
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            LinkId = LinkId,
            PartnerId = PartnerId,
            Code = "ACME-SPRING",
            TargetUrl = "https://shop.example/spring?ref=acme",
        },
        new ClickRecorded
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            ClickId = ClickId,
            PartnerId = PartnerId,
            LinkId = LinkId,
            Code = "ACME-SPRING",
            VisitorId = "v-5f2c",
            UtmSource = "newsletter",
            UtmMedium = "email",
            UtmCampaign = "spring-sale",
            Referrer = "https://blog.acme.example/deals",
            UtmTerm = "running shoes",
            UtmContent = "banner-a",
            LandingUrl = "https://shop.example/spring?ref=acme",
            Gclid = "Cj0KCQ-gclid",
            Fbclid = "IwAR-fbclid",
            Msclkid = "msclkid-1",
            Ttclid = "ttclid-1",
            LiFatId = "li-fat-1",
            Rdclid = "rdclid-1",
            Twclid = "twclid-1",
            Source = "redirect",
            ProgramId = ProgramId,
        },
        new ConversionAttributed
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            ConversionId = Guid.Parse("0193a1b2-0000-7000-8000-0000000000d1"),
            OrderId = "ORD-10042",
            PartnerId = PartnerId,
            ClickId = ClickId,
            OrderAmount = 129.90m,
            Currency = "EUR",
            CommissionAmount = 9.74m,
            OrderedAt = OccurredAt.AddMinutes(-3),
            CommissionCurrency = "EUR",
        },
        new ConversionReattributed
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            ConversionId = Guid.Parse("0193a1b2-0000-7000-8000-0000000000d1"),
            OrderId = "ORD-10042",
            PreviousPartnerId = Guid.Parse("0193a1b2-0000-7000-8000-0000000000d2"),
            PartnerId = PartnerId,
            Reason = "coupon-code",
            OrderAmount = 129.90m,
            Currency = "EUR",
            CommissionAmount = 12.99m,
            OrderedAt = OccurredAt.AddMinutes(-3),
            CommissionCurrency = "EUR",
        },
        new PromotionPublished
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            PromotionId = PromotionId,
            Version = 3,
            Name = "10 % off running shoes",
            CampaignId = "spring-sale",
            StackingClass = "item",
            StartsAt = OccurredAt,
            EndsAt = OccurredAt.AddDays(14),
            ChangedBy = "admin-key:k1",
            Reason = "raise the discount for the weekend",
            RuleSetVersion = 42,
        },
        new PromotionStatusChanged
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            PromotionId = PromotionId,
            Version = 3,
            Status = "paused",
            ChangedBy = "admin-key:k1",
            Reason = "stock problem",
            RuleSetVersion = 43,
        },
        new PromotionBudgetExhausted
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            PromotionId = PromotionId,
            Scope = "partner",
            Period = "day",
            PeriodKey = "2025-03-14",
            CampaignId = "spring-sale",
            PartnerId = PartnerId,
            MaxUses = 100,
            MaxSpend = 500m,
        },
        new OrderPromotionsVerified
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            OrderId = "ORD-10042",
            QuoteId = QuoteId,
            Outcome = "honoured",
            Currency = "EUR",
            DiscountTotal = 14.43m,
            GrandTotal = 129.90m,
            Promotions = [new RedeemedPromotion { PromotionId = PromotionId, Version = 3, Amount = 14.43m, Code = "SPRING10" }],
            PartnerId = PartnerId,
            ExpectedPromotions = [new RedeemedPromotion { PromotionId = PromotionId, Version = 3, Amount = 14.43m, Code = "SPRING10" }],
        },
        new QuoteMismatchDetected
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            OrderId = "ORD-10042",
            QuoteId = QuoteId,
            Reason = "charged_differs",
            Currency = "EUR",
            QuotedGrandTotal = 129.90m,
            ChargedGrandTotal = 144.33m,
            ExpectedGrandTotal = 129.90m,
            PartnerId = PartnerId,
        },
        new CouponIssued
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            CodeId = CodeId,
            Code = "CART-7KQ2M9XH4P",
            CampaignId = CampaignId,
            PromotionId = PromotionId,
            Source = "personal",
            PartnerId = PartnerId,
            MaxUses = 1,
            CustomerKey = "email:ann@example.com",
            ExpiresAt = OccurredAt.AddDays(3),
        },
        new CouponReserved
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            ReservationId = ReservationId,
            CodeId = CodeId,
            Code = "ACME-SPRING",
            CampaignId = CampaignId,
            PromotionId = PromotionId,
            ExpiresAt = OccurredAt.AddMinutes(15),
            CheckoutId = QuoteId.ToString(),
            PartnerId = PartnerId,
            CustomerKey = "id:c-42",
        },
        new CouponRedeemed
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            RedemptionId = RedemptionId,
            OrderId = "ORD-10042",
            CodeId = CodeId,
            Code = "ACME-SPRING",
            CampaignId = CampaignId,
            PromotionId = PromotionId,
            OrderTotal = 129.90m,
            Currency = "EUR",
            PartnerId = PartnerId,
            TrafficPartnerId = Guid.Parse("0193a1b2-0000-7000-8000-0000000000a2"),
            CodePartnerId = PartnerId,
            ReservationId = ReservationId,
            CustomerKey = "id:c-42",
        },
        new CouponReleased
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            ReservationId = ReservationId,
            CodeId = CodeId,
            Code = "ACME-SPRING",
            CampaignId = CampaignId,
            Reason = "expired",
        },
        new CouponRestored
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            RedemptionId = RedemptionId,
            OrderId = "ORD-10042",
            CodeId = CodeId,
            Code = "ACME-SPRING",
            CampaignId = CampaignId,
            Reason = "cancelled",
            PartnerId = PartnerId,
        },
        new CouponLeakSuspected
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            RedemptionId = RedemptionId,
            OrderId = "ORD-10042",
            CodeId = CodeId,
            Code = "ACME-SPRING",
            CampaignId = CampaignId,
            PartnerId = PartnerId,
            Reason = "coupon_site_referrer",
            TrafficPartnerId = Guid.Parse("0193a1b2-0000-7000-8000-0000000000a2"),
            Referrer = "https://www.retailmenot.com/view/shop.example",
        },
        new CartAbandoned
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            CartId = "cart-8812",
            VisitorId = "v-5f2c",
            CartTotal = 84.50m,
            Currency = "EUR",
            LastActivityAt = OccurredAt.AddHours(-2),
            CustomerId = "c-42",
            Email = "ann@example.com",
        },
        new CartRecovered
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            CartId = "cart-8812",
            OrderId = "ORD-10042",
            VisitorId = "v-5f2c",
            CustomerId = "c-42",
            Email = "ann@example.com",
        },
        new ExperimentExposed
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            ExperimentId = Guid.Parse("3a5c7e9b-1d2f-4a6c-8e0b-2d4f6a8c0e13"),
            Variant = "bigger-discount",
            StickyId = "v-5f2c",
            PartnerId = PartnerId,
        },
        new ExperimentStatusChanged
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            ExperimentId = Guid.Parse("3a5c7e9b-1d2f-4a6c-8e0b-2d4f6a8c0e13"),
            Name = "10 % or 15 % off",
            Status = "completed",
            Variants = ["ten-percent", "bigger-discount"],
            HoldoutPercent = 10,
            ChangedBy = "admin:ops",
            Winner = "bigger-discount",
            PartnerId = PartnerId,
        },
        new PromotionRolloutChanged
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            PromotionId = Guid.Parse("2e4a6c8d-0b1f-4d3e-8a5c-9f7b1d3e5a60"),
            Version = 4,
            FromPercent = 10,
            ToPercent = 50,
            ChangedBy = "admin:ops",
            Reason = "no errors at 10 %",
        },
        new CouponPoolLow
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            CampaignId = Guid.Parse("5d0f7e8a-3c2b-4a19-9e6d-7b1c0a2f4e38"),
            PromotionId = Guid.Parse("2e4a6c8d-0b1f-4d3e-8a5c-9f7b1d3e5a60"),
            Available = 180,
            LowWatermark = 200,
            PoolSize = 1000,
            Replenishing = 820,
            GenerationJobId = Guid.Parse("7c9e1a3b-5d2f-4e60-b8a4-1f3d5c7e9b02"),
        },
        new RefundRecorded
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            RefundId = "refund-77",
            OrderId = "order-1001",
            Kind = "refund",
            Amount = 20.00m,
            Currency = "EUR",
            IsFullRefund = false,
            RefundedAt = OccurredAt.AddMinutes(-1),
            PartnerId = PartnerId,
            CommissionReversed = 2.00m,
            CommissionCurrency = "EUR",
        },
        new SurveyShown
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            ImpressionId = Guid.Parse("6b1d0c2e-59a4-4d3e-9f11-0d6f3a7c2b91"),
            SurveyId = Guid.Parse("0f6c5a7e-2b8d-4c11-a2f3-5e9d8c7b6a54"),
            SurveyVersion = 2,
            SurveyKind = "exit-intent",
            Trigger = "exit-intent",
            Touchpoint = "checkout",
            VisitorId = "v-5f2c",
            CustomerId = "c-42",
            PartnerId = PartnerId,
            CampaignId = "black-friday-2026",
            TrafficSource = "newsletter",
        },
        new SurveyResponseSubmitted
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            ResponseId = Guid.Parse("9a3e4f10-7c2d-4b5a-8e61-2d4c6b8a0f13"),
            SurveyId = Guid.Parse("0f6c5a7e-2b8d-4c11-a2f3-5e9d8c7b6a54"),
            SurveyVersion = 2,
            SurveyKind = "post-purchase",
            Touchpoint = "order",
            VisitorId = "v-5f2c",
            ImpressionId = Guid.Parse("6b1d0c2e-59a4-4d3e-9f11-0d6f3a7c2b91"),
            CustomerId = "c-42",
            OrderId = "order-1001",
            PartnerId = PartnerId,
            CampaignId = "black-friday-2026",
            TrafficSource = "newsletter",
            NpsScore = 9,
            CsatScore = 4,
            ReasonCodes = ["extra-costs", "delivery-too-slow"],
        },
        new CommissionBooked
        {
            EventId = EventId, OccurredAt = OccurredAt, CommissionId = CommissionId, PartnerId = PartnerId, ProgramId = ProgramId,
            OrderId = "order-1001", Kind = "sale", Amount = 12.50m, Currency = "EUR", Status = "pending",
            HoldUntil = OccurredAt.AddDays(30), PlanVersion = 2,
        },
        new CommissionApproved
        {
            EventId = EventId, OccurredAt = OccurredAt, CommissionId = CommissionId, PartnerId = PartnerId, ProgramId = ProgramId,
            OrderId = "order-1001", Kind = "sale", Amount = 12.50m, Currency = "EUR", ApprovedBy = "hold-elapsed",
        },
        new CommissionHeld
        {
            EventId = EventId, OccurredAt = OccurredAt, CommissionId = CommissionId, PartnerId = PartnerId, ProgramId = ProgramId,
            OrderId = "order-1001", Kind = "sale", Amount = 12.50m, Currency = "EUR", Reasons = ["self-referral", "fast-conversion"],
        },
        new CommissionReversed
        {
            EventId = EventId, OccurredAt = OccurredAt, CommissionId = CommissionId, PartnerId = PartnerId, ProgramId = ProgramId,
            OrderId = "order-1001", Kind = "clawback", Amount = -2.50m, Currency = "EUR",
            OriginalCommissionId = Guid.Parse("0193a1b2-0000-7000-8000-000000000204"), RefundId = "refund-77", Reason = "refund",
        },
        new CommissionPaid
        {
            EventId = EventId, OccurredAt = OccurredAt, PayoutBatchId = PayoutBatchId, PartnerId = PartnerId, Amount = 310.25m,
            Currency = "EUR", EntryCount = 14,
        },
        new PartnerStatusChanged
        {
            EventId = EventId, OccurredAt = OccurredAt, PartnerId = PartnerId, Status = "suspended",
        },
        new PartnerTierReached
        {
            EventId = EventId, OccurredAt = OccurredAt, PartnerId = PartnerId, ProgramId = ProgramId, Tier = 2, Rate = 0.15m,
            Period = "2025-03", PeriodConversions = 50,
        },
        new RetentionMilestoneReached
        {
            EventId = EventId, OccurredAt = OccurredAt, PartnerId = PartnerId, ProgramId = ProgramId, CustomerId = "c-42",
            Milestone = "order-count", Threshold = 2, OrderId = "order-1002", Bonus = 5.000m, Currency = "KWD", Note = "budget-capped",
        },
        new FraudFlagRaised
        {
            EventId = EventId, OccurredAt = OccurredAt, PartnerId = PartnerId, Rule = "self-referral",
            Detail = "The customer is the partner itself (same email or customer id).", OrderId = "order-1001",
            CommissionId = CommissionId, ClickId = ClickId,
        },
        new CustomerSegmentChanged
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            CustomerId = "c-42",
            Segment = "frequent_buyers",
            Change = CustomerSegmentChanged.Joined,
            Segments = ["frequent_buyers"],
        },
        new PartnerConcentrationRiskDetected
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            PartnerId = PartnerId,
            Currency = "EUR",
            PartnerRevenue = 6200.00m,
            TotalRevenue = 10000.00m,
            RevenueShare = 0.62m,
            Threshold = 0.5m,
            WindowStart = new DateOnly(2026, 11, 6),
            WindowEnd = new DateOnly(2026, 12, 5),
        },
        new ProductPageContentExposed
        {
            EventId = EventId,
            OccurredAt = OccurredAt,
            ContentId = Guid.Parse("0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b"),
            Variant = "testimonials-first",
            StickyId = "v-5f2c",
            PartnerId = PartnerId,
        },
    }.ToDictionary(sample => sample.GetType());
}
