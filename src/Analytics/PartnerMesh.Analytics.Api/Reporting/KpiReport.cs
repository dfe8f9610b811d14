using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Kpis;

namespace PartnerMesh.Analytics.Api.Reporting;

/// <summary>
/// The counts and rates of one period (or a range's totals) for one dimension value; definitions in docs/kpis.md.
/// For a partner the survey figures (<see cref="SurveysShown"/>, <see cref="SurveyResponses"/>, <see cref="NpsResponses"/>,
/// <see cref="SurveyResponseRate"/>, <see cref="NetPromoterScore"/>) are <c>null</c> with
/// <see cref="SurveyFiguresSuppressed"/> in every period row, and a total's are those of the published weekly cells
/// (<see cref="PartnerSurveyCells"/>, <see cref="SurveyAnonymity"/>).
/// </summary>
public sealed record KpiFigures(
    long Sessions,
    long ConvertedSessions,
    long PageViews,
    long ProductViews,
    long AddToCarts,
    long CheckoutsStarted,
    long Clicks,
    long Orders,
    long CustomerOrders,
    long FirstOrders,
    long RepeatOrders,
    long Carts,
    long AbandonedCarts,
    long RecoveredCarts,
    long CouponOrders,
    long VerifiedOrders,
    long PromotionOrders,
    long PromotionMismatches,
    long? SurveysShown,
    long? SurveyResponses,
    long? NpsResponses,
    long AttributedOrders,
    long RefundedOrders,
    long Refunds,
    long CancelledOrders,
    decimal? ConversionRate,
    decimal? CartAbandonmentRate,
    decimal? CartRecoveryRate,
    decimal? CouponRedemptionRate,
    decimal? PromotionRedemptionRate,
    decimal? PromotionErrorRate,
    decimal? RepeatPurchaseRate,
    decimal? SurveyResponseRate,
    decimal? NetPromoterScore,
    decimal? RefundRate,
    IReadOnlyList<CurrencyFigures> Sales,
    bool SurveyFiguresSuppressed = false);

/// <summary>
/// Money of one currency. <see cref="Revenue"/> is net (order totals less refunds and cancellations),
/// <see cref="GrossRevenue"/> the totals as placed; <see cref="Orders"/> the orders not cancelled, so
/// <see cref="AverageOrderValue"/> is net revenue over them; <see cref="Commission"/> is net of reversals.
/// <see cref="RevenueShare"/>: this row's revenue over the merchant's (partner rows); for a partner only of ended days
/// with at least k orders that are not its own, and totals over those days (<see cref="PartnerRevenueShares"/>), else
/// <c>null</c> with <see cref="RevenueShareSuppressed"/>;
/// <see cref="PartnerRevenueContribution"/>: revenue through partners over all revenue.
/// </summary>
public sealed record CurrencyFigures(
    string Currency,
    long Orders,
    decimal Revenue,
    decimal GrossRevenue,
    decimal? AverageOrderValue,
    decimal Commission,
    decimal RefundedAmount,
    decimal PartnerRevenue,
    decimal? PartnerRevenueContribution,
    decimal? RevenueShare,
    decimal? CommissionToRevenue,
    bool RevenueShareSuppressed = false);

/// <summary>One period of one dimension value; in a two-dimension report <see cref="DimensionValue"/> is the value of the
/// report's first dimension and <see cref="DimensionValue2"/> of its second.</summary>
public sealed record KpiRow(string Period, string? DimensionValue, KpiFigures Kpis, string? DimensionValue2 = null);

public sealed record KpiTotals(string? DimensionValue, KpiFigures Kpis, string? DimensionValue2 = null);

/// <param name="Surveys">For a partner: the weekly survey cells of the range (<c>null</c> for admins, who see survey
/// figures in every row).</param>
public sealed record KpiReport(
    DateOnly From,
    DateOnly To,
    string Granularity,
    string Dimension,
    string TimeZone,
    IReadOnlyList<KpiRow> Rows,
    IReadOnlyList<KpiTotals> Totals,
    IReadOnlyList<string>? Dimensions = null,
    PartnerSurveyWeeks? Surveys = null);

/// <summary>Turns aggregate rows into figures; rates are ratios of sums, never averages of rates.</summary>
public static class KpiFigureBuilder
{
    public static KpiFigures Build(IReadOnlyCollection<KpiAggregate> rows, IReadOnlyDictionary<string, decimal>? merchantRevenue = null)
    {
        var counts = Sum(rows.Where(row => row.Currency.Length == 0));
        var sales = rows.Where(row => row.Currency.Length > 0)
            .GroupBy(row => row.Currency, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group =>
            {
                var money = Sum(group);
                var merchant = merchantRevenue?.GetValueOrDefault(group.Key);
                return new CurrencyFigures(
                    group.Key,
                    money.Orders,
                    money.Revenue,
                    money.GrossRevenue,
                    KpiRates.AverageOrderValueOrNull(money.Revenue, money.Orders, group.Key),
                    money.Commission,
                    money.RefundedAmount,
                    money.PartnerRevenue,
                    KpiRates.Ratio(money.PartnerRevenue, money.Revenue),
                    merchant is { } total ? KpiRates.Ratio(money.Revenue, total) : null,
                    KpiRates.Ratio(money.Commission, money.Revenue));
            })
            .ToList();

        return new KpiFigures(
            counts.Sessions, counts.ConvertedSessions, counts.PageViews, counts.ProductViews, counts.AddToCarts, counts.CheckoutsStarted,
            counts.Clicks, counts.Orders, counts.CustomerOrders, counts.FirstOrders, counts.RepeatOrders, counts.Carts,
            counts.AbandonedCarts, counts.RecoveredCarts, counts.CouponOrders, counts.VerifiedOrders, counts.PromotionOrders,
            counts.PromotionMismatches, counts.SurveysShown, counts.SurveyResponses, counts.NpsResponses, counts.AttributedOrders,
            counts.RefundedOrders, counts.Refunds, counts.CancelledOrders,
            ConversionRate: KpiRates.Ratio(counts.ConvertedSessions, counts.Sessions),
            CartAbandonmentRate: KpiRates.Ratio(counts.AbandonedCarts, counts.Carts),
            CartRecoveryRate: KpiRates.Ratio(counts.RecoveredCarts, counts.AbandonedCarts),
            CouponRedemptionRate: KpiRates.Ratio(counts.CouponOrders, counts.Orders),
            PromotionRedemptionRate: KpiRates.Ratio(counts.PromotionOrders, counts.VerifiedOrders),
            PromotionErrorRate: KpiRates.Ratio(counts.PromotionMismatches, counts.VerifiedOrders),
            RepeatPurchaseRate: KpiRates.Ratio(counts.RepeatOrders, counts.CustomerOrders),
            SurveyResponseRate: KpiRates.Ratio(counts.SurveyResponses, counts.SurveysShown),
            NetPromoterScore: KpiRates.NetPromoterScore(counts.NpsPromoters, counts.NpsDetractors, counts.NpsResponses),
            RefundRate: KpiRates.Ratio(counts.RefundedOrders, counts.Orders),
            Sales: sales);
    }

    public static KpiAggregate Sum(IEnumerable<KpiAggregate> rows)
    {
        var sum = new KpiAggregate { Granularity = "", Dimension = "", DimensionValue = "", Currency = "" };
        foreach (var row in rows)
        {
            sum.Sessions += row.Sessions;
            sum.ConvertedSessions += row.ConvertedSessions;
            sum.PageViews += row.PageViews;
            sum.ProductViews += row.ProductViews;
            sum.AddToCarts += row.AddToCarts;
            sum.RemoveFromCarts += row.RemoveFromCarts;
            sum.CheckoutsStarted += row.CheckoutsStarted;
            sum.Clicks += row.Clicks;
            sum.Orders += row.Orders;
            sum.CustomerOrders += row.CustomerOrders;
            sum.FirstOrders += row.FirstOrders;
            sum.RepeatOrders += row.RepeatOrders;
            sum.Carts += row.Carts;
            sum.AbandonedCarts += row.AbandonedCarts;
            sum.RecoveredCarts += row.RecoveredCarts;
            sum.CouponOrders += row.CouponOrders;
            sum.VerifiedOrders += row.VerifiedOrders;
            sum.PromotionOrders += row.PromotionOrders;
            sum.PromotionMismatches += row.PromotionMismatches;
            sum.SurveysShown += row.SurveysShown;
            sum.SurveyResponses += row.SurveyResponses;
            sum.NpsResponses += row.NpsResponses;
            sum.NpsPromoters += row.NpsPromoters;
            sum.NpsDetractors += row.NpsDetractors;
            sum.AttributedOrders += row.AttributedOrders;
            sum.RefundedOrders += row.RefundedOrders;
            sum.Refunds += row.Refunds;
            sum.CancelledOrders += row.CancelledOrders;
            sum.Revenue += row.Revenue;
            sum.GrossRevenue += row.GrossRevenue;
            sum.PartnerRevenue += row.PartnerRevenue;
            sum.Commission += row.Commission;
            sum.RefundedAmount += row.RefundedAmount;
        }

        return sum;
    }
}
