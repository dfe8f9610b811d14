using System.Globalization;
using System.Text;
using static PartnerMesh.PartnerPortal.Api.Portal.PortalPages;

namespace PartnerMesh.PartnerPortal.Api.Analytics;

/// <summary>
/// What the scorecard page shows: the range asked for (null: analytics' default), the scorecard (null when analytics could
/// not be reached or refused the range), analytics' messages about a refused range, and the segment report (null when
/// unavailable).
/// </summary>
public sealed record ScorecardPageModel(
    string Email,
    string? From,
    string? To,
    Scorecard? Scorecard,
    IReadOnlyList<(string? Field, string Message)>? RangeErrors,
    SegmentReport? Segments);

/// <summary>
/// <c>/portal/scorecard</c>: the partner's scorecard over a range it chooses, the before/after comparison from its
/// partnership's start when analytics gives one, and its customers per segment (counts only, below k suppressed by
/// analytics and shown as such, never as a number). Every value is HTML-encoded.
/// </summary>
public static class ScorecardPage
{
    public const string Path = "/portal/scorecard";
    public const string UnavailableMessage = "Your scorecard is unavailable right now. Please try again in a few minutes.";
    public const string SegmentsUnavailableMessage = "Your segment figures are unavailable right now. Please try again in a few minutes.";
    public const string RangeMessage = "Choose a valid period: dates as yyyy-MM-dd, the first not after the last.";
    public const string NoComparisonMessage = "No before/after comparison from the start of your partnership is available.";
    public const string NpsSuppressed = "Too few answers: not shown, to protect shoppers' privacy";
    public const string ShareSuppressed = "Not shown: too few other orders (or the period includes today or hours), to protect shoppers' privacy";

    /// <summary>Where a figure would be without its denominator (no sessions, no carts…): there is none, not 0.</summary>
    public const string NoData = "<span aria-hidden=\"true\">—</span><span class=\"visually-hidden\">no data</span>";

    public const string Explained =
        "Conversion rate: the share of sessions with an order. Cart abandonment: carts left without an order; cart recovery: "
        + "abandoned carts ordered later. Money is net of refunds and cancellations, per currency. Days are cut in the "
        + "shop's reporting time zone.";

    /// <summary>Analytics' segment names in words; other names are shown as they are.</summary>
    public static readonly IReadOnlyDictionary<string, string> SegmentLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["first_time_buyers"] = "First-time buyers",
        ["frequent_buyers"] = "Frequent buyers",
        ["high_cart_abandoners"] = "High cart abandoners",
        ["lapsed_customers"] = "Lapsed customers",
    };

    public static string SegmentSuppressed(int k) =>
        $"Fewer than {k.ToString(CultureInfo.InvariantCulture)} customers: not shown, to protect shoppers' privacy";

    public static string SegmentsExplained(int k) =>
        "How many of the customers who came through you are in each segment now. Counts only: who they are is never shared, "
        + $"and a segment with fewer than {k.ToString(CultureInfo.InvariantCulture)} of your customers is not shown.";

    public static string Render(ScorecardPageModel model, string antiforgeryFieldName, string antiforgeryToken)
    {
        var body = new StringBuilder();
        body.Append("<h1>Scorecard</h1>");
        body.Append("<p class=\"muted\">Signed in as ").Append(E(model.Email));
        if (model.Scorecard is { } shown)
        {
            body.Append(" · ").Append(E(Day(shown.From))).Append(" to ").Append(E(Day(shown.To)));
        }

        body.Append("</p>");
        AppendRangeForm(body, model);
        if (model.RangeErrors is null)
        {
            AppendScorecard(body, model.Scorecard);
        }

        AppendSegments(body, model.Segments);
        return Layout("Scorecard", body.ToString(), SignOut(antiforgeryFieldName, antiforgeryToken));
    }

    private static void AppendRangeForm(StringBuilder body, ScorecardPageModel model)
    {
        var from = model.Scorecard is { } scorecard ? Day(scorecard.From) : model.From ?? "";
        var to = model.Scorecard is { } shown ? Day(shown.To) : model.To ?? "";
        var described = model.RangeErrors is null ? "" : " aria-describedby=\"range-error\"";
        body.Append("<form class=\"card range\" method=\"get\" action=\"").Append(Path).Append("\" aria-label=\"Period\">");
        body.Append("<div><label for=\"from\">From</label><input id=\"from\" name=\"from\" type=\"date\" value=\"").Append(E(from)).Append('"')
            .Append(described).Append("></div>");
        body.Append("<div><label for=\"to\">To</label><input id=\"to\" name=\"to\" type=\"date\" value=\"").Append(E(to)).Append('"')
            .Append(described).Append("></div>");
        body.Append("<button type=\"submit\">Show</button></form>");
        if (model.RangeErrors is { } errors)
        {
            body.Append("<div class=\"alert\" role=\"alert\" id=\"range-error\"><ul>");
            foreach (var (field, message) in errors)
            {
                body.Append("<li>").Append(field is null ? "" : E(FieldLabel(field) + ": ")).Append(E(message)).Append("</li>");
            }

            body.Append("</ul></div>");
        }
    }

    private static void AppendScorecard(StringBuilder body, Scorecard? scorecard)
    {
        body.Append("<section class=\"card\" aria-labelledby=\"scorecard-title\"><h2 id=\"scorecard-title\">Your scorecard</h2>");
        if (scorecard is null)
        {
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(UnavailableMessage)).Append("</p></section>");
            return;
        }

        var kpis = scorecard.Kpis;
        var sales = kpis.Sales.OrderBy(entry => entry.Currency, StringComparer.Ordinal).ToList();
        body.Append("<dl class=\"totals\">");
        Figure(body, "Sessions", E(Count(kpis.Sessions)));
        Figure(body, "Clicks", E(Count(kpis.Clicks)));
        Figure(body, "Orders", E(Count(kpis.Orders)));
        Figure(body, "Conversion rate", Rate(kpis.ConversionRate));
        Figure(body, "Cart abandonment rate", Rate(kpis.CartAbandonmentRate));
        Figure(body, "Cart recovery rate", Rate(kpis.CartRecoveryRate));
        Figure(body, "Repeat-purchase rate", Rate(kpis.RepeatPurchaseRate));
        Figure(body, "Coupon redemption rate", Rate(kpis.CouponRedemptionRate));
        Figure(body, "Refund rate", Rate(kpis.RefundRate));
        Figure(body, "Net promoter score", kpis switch
        {
            { NetPromoterScore: { } score } => E(Score(score)),
            { SurveyFiguresSuppressed: true, NpsResponses: null } => "<span class=\"suppressed\">" + E(NpsSuppressed) + "</span>",
            _ => NoData,
        });
        PerCurrency(body, "Revenue", sales, entry => E(Money(entry.Currency, entry.Revenue)));
        PerCurrency(body, "Average order value", sales, entry => entry.AverageOrderValue is { } value ? E(Money(entry.Currency, value)) : NoData);
        PerCurrency(body, "Commission", sales, entry => E(Money(entry.Currency, entry.Commission)));
        PerCurrency(body, "Commission to revenue", sales, entry => Rate(entry.CommissionToRevenue) + E($" ({entry.Currency})"));
        PerCurrency(body, "Share of the shop's revenue", sales, entry => entry is { RevenueShare: null, RevenueShareSuppressed: true }
            ? E($"{entry.Currency}: ") + "<span class=\"suppressed\">" + E(ShareSuppressed) + "</span>"
            : Rate(entry.RevenueShare) + E($" ({entry.Currency})"));
        body.Append("</dl>");

        foreach (var flag in scorecard.ConcentrationFlags.OrderBy(flag => flag.Currency, StringComparer.Ordinal))
        {
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(flag is { RevenueShare: { } share, TotalRevenue: { } total }
                    ? $"Concentration risk: your orders made {Percent(share)} of the shop's {flag.Currency} revenue in the recent window "
                        + $"({Money(flag.Currency, flag.PartnerRevenue)} of {Money(flag.Currency, total)})."
                    : $"Concentration risk: your orders made more of the shop's {flag.Currency} revenue in the recent window than its threshold allows "
                        + $"({Money(flag.Currency, flag.PartnerRevenue)} from your orders; the shop's total is not shown to partners)."))
                .Append("</p>");
        }

        body.Append("<p class=\"muted rates\">").Append(E(Explained)).Append("</p></section>");
        AppendComparison(body, scorecard.Comparison);
    }

    private static void AppendComparison(StringBuilder body, PartnershipComparison? comparison)
    {
        body.Append("<section class=\"card\" aria-labelledby=\"comparison-title\"><h2 id=\"comparison-title\">Before and after your partnership</h2>");
        if (comparison is null)
        {
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(NoComparisonMessage)).Append("</p></section>");
            return;
        }

        var days = comparison.WindowDays.ToString(CultureInfo.InvariantCulture);
        body.Append("<p class=\"muted\">").Append(E(
            $"The whole shop's numbers in the {days} days before and the {days} days from {Day(comparison.PartnershipStart)}, the start of your partnership."))
            .Append("</p>");
        body.Append("<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">The shop's sessions, orders, conversion rate and cart recovery rate before and after the start of your partnership</caption>");
        body.Append("<thead><tr><th scope=\"col\">Measure</th><th scope=\"col\">Before</th><th scope=\"col\">After</th><th scope=\"col\">Change</th></tr></thead><tbody>");
        var (before, after) = (comparison.Before, comparison.After);
        Row(body, "Sessions", E(Count(before.Sessions)), E(Count(after.Sessions)), E(Signed(after.Sessions - before.Sessions)));
        Row(body, "Orders", E(Count(before.Orders)), E(Count(after.Orders)), E(Signed(after.Orders - before.Orders)));
        Row(body, "Conversion rate", Rate(before.ConversionRate), Rate(after.ConversionRate), Points(comparison.ConversionLift));
        Row(body, "Cart recovery rate", Rate(before.CartRecoveryRate), Rate(after.CartRecoveryRate), Points(comparison.CartRecoveryLift));
        body.Append("</tbody></table></div></section>");
    }

    private static void AppendSegments(StringBuilder body, SegmentReport? report)
    {
        body.Append("<section class=\"card\" aria-labelledby=\"segments-title\"><h2 id=\"segments-title\">Your customers by segment</h2>");
        if (report is null)
        {
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(SegmentsUnavailableMessage)).Append("</p></section>");
            return;
        }

        var k = report.AnonymityThreshold;
        body.Append("<p class=\"muted\">").Append(E(SegmentsExplained(k))).Append("</p>");
        body.Append("<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">Your customers per segment</caption>");
        body.Append("<thead><tr><th scope=\"col\">Segment</th><th scope=\"col\">Customers</th></tr></thead><tbody>");
        foreach (var segment in report.Segments)
        {
            body.Append("<tr><th scope=\"row\">").Append(E(SegmentLabels.GetValueOrDefault(segment.Segment, segment.Segment))).Append("</th>");
            if (segment is { Suppressed: false, Customers: { } customers })
            {
                body.Append("<td>").Append(E(Count(customers))).Append("</td></tr>");
            }
            else
            {
                body.Append("<td class=\"suppressed\">").Append(E(SegmentSuppressed(k))).Append("</td></tr>");
            }
        }

        body.Append("</tbody></table></div></section>");
    }

    /// <param name="html">Already encoded.</param>
    private static void Figure(StringBuilder body, string label, string html) =>
        body.Append("<div><dt>").Append(E(label)).Append("</dt><dd>").Append(html).Append("</dd></div>");

    /// <summary>One <c>dd</c> per currency: amounts in different currencies are never added up.</summary>
    private static void PerCurrency(StringBuilder body, string label, List<ScorecardSales> sales, Func<ScorecardSales, string> html)
    {
        body.Append("<div><dt>").Append(E(label)).Append("</dt>");
        if (sales.Count == 0)
        {
            body.Append("<dd>").Append(NoSales).Append("</dd>");
        }

        foreach (var entry in sales)
        {
            body.Append("<dd>").Append(html(entry)).Append("</dd>");
        }

        body.Append("</div>");
    }

    private static void Row(StringBuilder body, string label, string before, string after, string change) =>
        body.Append("<tr><th scope=\"row\">").Append(E(label)).Append("</th><td>").Append(before).Append("</td><td>").Append(after)
            .Append("</td><td>").Append(change).Append("</td></tr>");

    private static string Rate(decimal? value) => value is { } rate ? E(Percent(rate)) : NoData;

    /// <summary>A difference of two rates in percentage points: 0.012 → <c>+1.2 points</c>.</summary>
    private static string Points(decimal? lift) => lift is { } value
        ? E(Sign(value) + Math.Abs(value * 100).ToString("0.0", CultureInfo.InvariantCulture) + " points")
        : NoData;

    private static string Signed(long value) => Sign(value) + Count(Math.Abs(value));

    /// <summary>NPS from −100 to 100 with one decimal: <c>+14.3</c>, <c>−20</c>, <c>0</c>.</summary>
    private static string Score(decimal value) => Sign(value) + Math.Abs(value).ToString("0.#", CultureInfo.InvariantCulture);

    private static string Sign(decimal value) => value > 0 ? "+" : value < 0 ? "−" : "";

    private static string FieldLabel(string field) => field switch
    {
        "from" => "From",
        "to" => "To",
        _ => field,
    };
}
