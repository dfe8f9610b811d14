using System.Globalization;
using System.Text;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Analytics.Api.Reporting;

/// <summary>The report as CSV (RFC 4180): one line per period, dimension value and currency (one line without money when there was none).</summary>
public static class KpiCsv
{
    private static readonly string[] Header =
    [
        "period", "dimension", "value", "sessions", "converted_sessions", "conversion_rate", "page_views", "product_views",
        "add_to_carts", "checkouts_started", "clicks", "orders", "carts", "abandoned_carts", "cart_abandonment_rate",
        "recovered_carts", "cart_recovery_rate", "coupon_orders", "coupon_redemption_rate", "verified_orders",
        "promotion_orders", "promotion_redemption_rate", "promotion_mismatches", "promotion_error_rate", "customer_orders",
        "repeat_orders", "repeat_purchase_rate", "surveys_shown", "survey_responses", "survey_response_rate", "nps_responses",
        "nps", "refunded_orders", "refund_rate", "currency", "currency_orders", "revenue", "average_order_value", "commission",
        "refunded_amount", "partner_revenue_contribution", "revenue_share", "gross_revenue", "cancelled_orders",
    ];

    /// <summary>A two-dimension report names each dimension and its value: <c>dimension,value,dimension2,value2</c>.</summary>
    private static readonly string[] PairHeader = [.. Header[..3], "dimension2", "value2", .. Header[3..]];

    public static string Write(KpiReport report)
    {
        var csv = new StringBuilder();
        var pair = report.Dimensions is [var first, var second] ? (First: first, Second: second) : default((string First, string Second)?);
        csv.Append(string.Join(',', pair is null ? Header : PairHeader)).Append("\r\n");
        foreach (var row in report.Rows)
        {
            var k = row.Kpis;
            object?[] names = pair is { } p ? [p.First, row.DimensionValue, p.Second, row.DimensionValue2] : [report.Dimension, row.DimensionValue];
            object?[] common =
            [
                row.Period, .. names, k.Sessions, k.ConvertedSessions, k.ConversionRate, k.PageViews,
                k.ProductViews, k.AddToCarts, k.CheckoutsStarted, k.Clicks, k.Orders, k.Carts, k.AbandonedCarts, k.CartAbandonmentRate,
                k.RecoveredCarts, k.CartRecoveryRate, k.CouponOrders, k.CouponRedemptionRate, k.VerifiedOrders, k.PromotionOrders,
                k.PromotionRedemptionRate, k.PromotionMismatches, k.PromotionErrorRate, k.CustomerOrders, k.RepeatOrders,
                k.RepeatPurchaseRate, k.SurveysShown, k.SurveyResponses, k.SurveyResponseRate, k.NpsResponses, k.NetPromoterScore,
                k.RefundedOrders, k.RefundRate,
            ];
            if (k.Sales.Count == 0)
            {
                AppendLine(csv, [.. common, null, null, null, null, null, null, null, null, null, k.CancelledOrders]);
            }

            foreach (var money in k.Sales)
            {
                AppendLine(csv, [.. common, money.Currency, money.Orders, money.Revenue, money.AverageOrderValue, money.Commission,
                    money.RefundedAmount, money.PartnerRevenueContribution, money.RevenueShare, money.GrossRevenue, k.CancelledOrders]);
            }
        }

        return csv.ToString();
    }

    private static void AppendLine(StringBuilder csv, object?[] values)
    {
        csv.AppendJoin(',', values.Select(Field));
        csv.Append("\r\n");
    }

    private static string Field(object? value)
    {
        var text = value switch
        {
            null => "",
            decimal number => DecimalScale.Normalize(number).ToString(CultureInfo.InvariantCulture), // 120, not 120.0000
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };

        // Quote what needs it, and defuse spreadsheet formulas in user-supplied values (campaign names, sources).
        if (text.Length > 0 && "=+-@".Contains(text[0], StringComparison.Ordinal) && value is string)
        {
            text = "'" + text;
        }

        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
