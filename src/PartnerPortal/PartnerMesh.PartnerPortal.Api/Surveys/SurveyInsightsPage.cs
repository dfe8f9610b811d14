using System.Globalization;
using System.Text;
using PartnerMesh.PartnerPortal.Api.Portal;

namespace PartnerMesh.PartnerPortal.Api.Surveys;

/// <summary>What the survey insights page shows; <see cref="Report"/> is null when surveys could not be reached.</summary>
public sealed record SurveyInsightsPageModel(string Email, int Weeks, SurveyInsightsReport? Report);

/// <summary>
/// The partner's survey insights page. It renders only what surveys-api's k-anonymous report holds: a suppressed cell or
/// reason is shown as "fewer than k responses", never as a number, and there is no free text to show.
/// </summary>
public static class SurveyInsightsPage
{
    public const string Path = "/portal/surveys";
    public const int DefaultWeeks = 12;
    public const int MaxWeeks = 53;
    public const string UnavailableMessage = "Your survey insights are unavailable right now. Please try again in a few minutes.";
    public const string WeeksMessage = "Choose a number of weeks between 1 and 53.";

    /// <summary>The common abandonment reasons (surveys' stable reason codes) in words; other codes are shown as they are.</summary>
    public static readonly IReadOnlyDictionary<string, string> ReasonLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["extra-costs"] = "Extra costs too high",
        ["delivery-too-slow"] = "Delivery too slow",
        ["no-trust-card-details"] = "Did not trust the site with card details",
        ["forced-account"] = "Forced to create an account",
        ["checkout-too-long"] = "Checkout too long or complicated",
        ["just-browsing"] = "Just browsing",
        ["better-price"] = "Found a better price",
        ["coupon-did-not-work"] = "Coupon did not work",
        ["other"] = "Other",
    };

    private static readonly int[] WeekChoices = [4, 12, 26, 52];

    public static string Suppressed(int k) =>
        $"Fewer than {k.ToString(CultureInfo.InvariantCulture)} responses: not shown, to protect shoppers' privacy";

    public static string Render(SurveyInsightsPageModel model, string antiforgeryFieldName, string antiforgeryToken, string? error = null)
    {
        var body = new StringBuilder();
        body.Append("<h1>Survey insights</h1>");
        body.Append("<p class=\"muted\">Signed in as ").Append(E(model.Email));
        if (model.Report is { } shown)
        {
            body.Append(" · whole weeks (Monday to Sunday, UTC), ").Append(E(Day(shown.From))).Append(" to ").Append(E(Day(shown.To)));
        }

        body.Append("</p>");
        AppendWeeksForm(body, model.Weeks, error);

        // After a bad request surveys was not asked: the form above says what to change.
        if (error is null)
        {
            AppendReport(body, model.Report);
        }

        return PortalPages.Layout("Survey insights", body.ToString(), PortalPages.SignOut(antiforgeryFieldName, antiforgeryToken));
    }

    private static void AppendReport(StringBuilder body, SurveyInsightsReport? report)
    {
        if (report is null)
        {
            body.Append("<section class=\"card\" aria-labelledby=\"survey-totals-title\"><h2 id=\"survey-totals-title\">Your survey insights</h2>");
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(UnavailableMessage)).Append("</p></section>");
            return;
        }

        AppendTotals(body, report);
        var names = report.Surveys.ToDictionary(survey => survey.Id);
        var surveyIds = report.Cells.Select(cell => cell.SurveyId).Distinct()
            .OrderBy(id => names.TryGetValue(id, out var survey) ? survey.Name : "", StringComparer.Ordinal).ThenBy(id => id);
        foreach (var surveyId in surveyIds)
        {
            AppendSurvey(body, report, names.GetValueOrDefault(surveyId), surveyId);
        }
    }

    private static void AppendWeeksForm(StringBuilder body, int weeks, string? error)
    {
        body.Append("<form method=\"get\" action=\"").Append(Path).Append("\" class=\"card\"><label for=\"weeks\">Weeks</label>");
        body.Append("<select id=\"weeks\" name=\"weeks\"");
        body.Append(error is null ? ">" : " aria-describedby=\"weeks-error\" aria-invalid=\"true\">");
        foreach (var choice in WeekChoices.Append(weeks).Where(choice => choice is >= 1 and <= MaxWeeks).Distinct().Order())
        {
            body.Append("<option value=\"").Append(Number(choice)).Append('"').Append(choice == weeks ? " selected" : "").Append('>')
                .Append("Last ").Append(Number(choice)).Append(" weeks</option>");
        }

        body.Append("</select>");
        if (error is not null)
        {
            body.Append("<p class=\"alert\" role=\"alert\" id=\"weeks-error\">").Append(E(error)).Append("</p>");
        }

        body.Append("<button type=\"submit\">Show</button></form>");
    }

    private static void AppendTotals(StringBuilder body, SurveyInsightsReport report)
    {
        body.Append("<section class=\"card\" aria-labelledby=\"survey-totals-title\"><h2 id=\"survey-totals-title\">All your surveys</h2>");
        if (report.Cells.Count == 0)
        {
            body.Append("<p>No survey was shown to or answered by your shoppers in this period.</p></section>");
            return;
        }

        body.Append("<dl class=\"totals\">");
        Total(body, "Shown", Number(report.Totals.Shown));
        Total(body, "Responses", Number(report.Totals.Responses));
        Total(body, "NPS (95 % interval)", Nps(report.Totals.Nps));
        Total(body, "CSAT (95 % interval)", Csat(report.Totals.Csat));
        Total(body, "Satisfied, CSAT 4–5 (95 % interval)", Satisfied(report.Totals.Csat));
        body.Append("</dl><p class=\"muted rates\">").Append(E(Explanation(report.MinimumGroupSize))).Append("</p></section>");
    }

    private static void AppendSurvey(StringBuilder body, SurveyInsightsReport report, SurveyInsightsSurvey? survey, Guid surveyId)
    {
        var k = report.MinimumGroupSize;
        var cells = report.Cells.Where(cell => cell.SurveyId == surveyId).OrderByDescending(cell => cell.WeekStart).ToList();
        var titleId = "survey-" + surveyId.ToString("N");
        body.Append("<section class=\"card\" aria-labelledby=\"").Append(titleId).Append("\"><h2 id=\"").Append(titleId).Append("\">")
            .Append(E(survey?.Name ?? "Survey " + surveyId)).Append("</h2>");
        if (survey is not null)
        {
            body.Append("<p class=\"muted\">").Append(E(Kind(survey.Kind))).Append("</p>");
        }

        body.Append("<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">Shown, responses, NPS and CSAT with 95 % intervals per week (UTC, weeks start on Monday)</caption>");
        body.Append("<thead><tr><th scope=\"col\">Week of</th><th scope=\"col\">Shown</th><th scope=\"col\">Responses</th>");
        body.Append("<th scope=\"col\">NPS</th><th scope=\"col\">CSAT</th></tr></thead><tbody>");
        foreach (var cell in cells)
        {
            body.Append("<tr><th scope=\"row\">").Append(E(Day(cell.WeekStart))).Append("</th>");
            if (cell.Suppressed)
            {
                body.Append("<td colspan=\"4\" class=\"suppressed\">").Append(E(Suppressed(k))).Append("</td></tr>");
                continue;
            }

            body.Append("<td>").Append(E(Number(cell.Shown ?? 0))).Append("</td>");
            body.Append("<td>").Append(E(Number(cell.Responses ?? 0))).Append("</td>");
            body.Append("<td>").Append(E(Nps(cell.Nps))).Append("</td>");
            body.Append("<td>").Append(E(Csat(cell.Csat))).Append("</td></tr>");
        }

        body.Append("</tbody></table></div>");
        AppendReasons(body, cells, k);
        body.Append("</section>");
    }

    /// <summary>
    /// Reason counts added up over the weeks where surveys shows them. A week's reason given by fewer than k shoppers has
    /// no count there, so it adds nothing; the sum is of numbers the partner sees anyway and reveals nothing new.
    /// </summary>
    private static void AppendReasons(StringBuilder body, List<SurveyInsightsCell> cells, int k)
    {
        var reasons = cells.Where(cell => !cell.Suppressed).SelectMany(cell => cell.Reasons).ToList();
        if (reasons.Count == 0)
        {
            return;
        }

        var counted = reasons.GroupBy(reason => reason.Code, StringComparer.Ordinal)
            .Select(group => (Code: group.Key, Count: group.Sum(reason => reason.Count ?? 0), Hidden: group.Any(reason => reason.Suppressed)))
            .OrderByDescending(reason => reason.Count).ThenBy(reason => reason.Code, StringComparer.Ordinal)
            .ToList();
        body.Append("<h3>Reasons given</h3><div class=\"table-wrap\"><table><caption class=\"visually-hidden\">Reasons shoppers gave, counted over the weeks shown</caption>");
        body.Append("<thead><tr><th scope=\"col\">Reason</th><th scope=\"col\">Shoppers</th></tr></thead><tbody>");
        foreach (var (code, count, hidden) in counted)
        {
            body.Append("<tr><th scope=\"row\">").Append(E(ReasonLabels.GetValueOrDefault(code, code))).Append("</th>");
            if (count == 0)
            {
                body.Append("<td class=\"suppressed\">").Append(E(Suppressed(k))).Append("</td></tr>");
                continue;
            }

            body.Append("<td>").Append(E(Number(count)));
            if (hidden)
            {
                body.Append(" <span class=\"suppressed\">(more in weeks with fewer than ").Append(Number(k)).Append(")</span>");
            }

            body.Append("</td></tr>");
        }

        body.Append("</tbody></table></div>");
    }

    private static void Total(StringBuilder body, string label, string value) =>
        body.Append("<div><dt>").Append(E(label)).Append("</dt><dd>").Append(E(value)).Append("</dd></div>");

    public static string Explanation(int k) =>
        $"Only groups of at least {k.ToString(CultureInfo.InvariantCulture)} responses are shown, per survey and week; totals add up the weeks shown. "
        + "NPS: promoters (9–10) minus detractors (0–6), in percent. CSAT: mean on 1 to 5. The ranges are 95 % confidence intervals; "
        + "with few responses they are wide.";

    /// <summary><c>+42 (18 to 66)</c>; a dash when fewer than k shoppers gave a score.</summary>
    public static string Nps(NpsInsight? nps) => nps is null
        ? "—"
        : $"{Signed(nps.Score)} ({Signed(nps.Low)} to {Signed(nps.High)})";

    /// <summary><c>4.2 of 5 (3.9 to 4.5)</c>; a dash when fewer than k shoppers gave a score.</summary>
    public static string Csat(CsatInsight? csat) => csat is null
        ? "—"
        : $"{OneDecimal(csat.Mean)} of 5 ({OneDecimal(csat.MeanLow)} to {OneDecimal(csat.MeanHigh)})";

    /// <summary><c>80 % (49 % to 94 %)</c>.</summary>
    public static string Satisfied(CsatInsight? csat) => csat is null
        ? "—"
        : $"{Percent(csat.Satisfied.Value)} ({Percent(csat.Satisfied.Low)} to {Percent(csat.Satisfied.High)})";

    private static string Kind(string kind) => kind switch
    {
        "nps" => "NPS survey",
        "csat" => "CSAT survey",
        "exit-intent" => "Exit-intent survey",
        "post-purchase" => "Post-purchase survey",
        _ => "Survey",
    };

    private static string Signed(double value)
    {
        var rounded = (int)Math.Round(value, MidpointRounding.AwayFromZero);
        return (rounded > 0 ? "+" : "") + rounded.ToString(CultureInfo.InvariantCulture);
    }

    private static string OneDecimal(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Percent(double value) => (value * 100).ToString("0", CultureInfo.InvariantCulture) + " %";

    private static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string E(string value) => PortalPages.E(value);
}
