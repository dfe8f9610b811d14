namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>Scorecard bodies serialized as analytics-api does (every field of its <c>KpiFigures</c>, camelCase).</summary>
public static class FakeScorecards
{
    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>
    /// A partner's scorecard as analytics gives it to a partner: 2,400 sessions (4 % converted), 100 orders, 40 % of 300
    /// carts abandoned and 15 % of those recovered, NPS hidden (too few answers), net EUR 9,876.50 with EUR 987.65
    /// commission, a 61.7 % share, a concentration-risk flag (without the shop's total and share, as analytics gives it to a
    /// partner), and no before/after comparison.
    /// </summary>
    public static object Canned(Guid partnerId, DateOnly from, DateOnly to, object? comparison = null, string partnerName = "Name known to analytics") => new
    {
        partnerId,
        partnerName,
        from,
        to,
        kpis = Figures(sessions: 2400, orders: 100, conversionRate: 0.04m, cartRecoveryRate: 0.15m, netPromoterScore: null, suppressed: true),
        concentrationFlags = new[]
        {
            new { partnerId, currency = "EUR", partnerRevenue = 9876.50m, totalRevenue = (decimal?)null, revenueShare = (decimal?)null, flagged = true, figuresSuppressed = true },
        },
        comparison,
    };

    /// <summary>A comparison from 2026-10-01 over 30 days: conversion 2.5 % → 4 % (+1.5 points), cart recovery 20 % → 15 % (−5 points).</summary>
    public static object Comparison() => new
    {
        partnershipStart = new DateOnly(2026, 10, 1),
        windowDays = 30,
        before = Figures(sessions: 8000, orders: 210, conversionRate: 0.025m, cartRecoveryRate: 0.2m, netPromoterScore: 31.5m, suppressed: false),
        after = Figures(sessions: 9500, orders: 380, conversionRate: 0.04m, cartRecoveryRate: 0.15m, netPromoterScore: 35m, suppressed: false),
        conversionLift = 0.015m,
        cartRecoveryLift = -0.05m,
    };

    public static object Figures(long sessions, long orders, decimal? conversionRate, decimal? cartRecoveryRate, decimal? netPromoterScore, bool suppressed) => new
    {
        sessions,
        convertedSessions = (long)(sessions * (conversionRate ?? 0)),
        pageViews = sessions * 4,
        productViews = sessions * 2,
        addToCarts = 350,
        checkoutsStarted = 150,
        clicks = 1249,
        orders,
        customerOrders = orders,
        firstOrders = 60,
        repeatOrders = 40,
        carts = 300,
        abandonedCarts = 120,
        recoveredCarts = 18,
        couponOrders = 25,
        verifiedOrders = orders,
        promotionOrders = 30,
        promotionMismatches = 1,
        surveysShown = 50,
        surveyResponses = suppressed ? (long?)null : 20,
        npsResponses = suppressed ? (long?)null : 20,
        attributedOrders = orders,
        refundedOrders = 4,
        refunds = 4,
        cancelledOrders = 1,
        conversionRate,
        cartAbandonmentRate = 0.4m,
        cartRecoveryRate,
        couponRedemptionRate = 0.25m,
        promotionRedemptionRate = 0.3m,
        promotionErrorRate = 0.01m,
        repeatPurchaseRate = 0.4m,
        surveyResponseRate = suppressed ? (decimal?)null : 0.4m,
        netPromoterScore,
        refundRate = 0.04m,
        sales = new[]
        {
            new
            {
                currency = "EUR", orders = orders - 1, revenue = 9876.50m, grossRevenue = 10000.00m, averageOrderValue = (decimal?)99.76m,
                commission = 987.65m, refundedAmount = 123.50m, partnerRevenue = 9876.50m, partnerRevenueContribution = (decimal?)1m,
                revenueShare = (decimal?)0.6173m, commissionToRevenue = (decimal?)0.1m,
            },
        },
        surveyFiguresSuppressed = suppressed,
    };
}
