using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using PartnerMesh.PartnerPortal.Api.Portal;

namespace PartnerMesh.PartnerPortal.Api.Experiments;

/// <summary>
/// <c>/portal/experiments</c>: the experiments program managers run on the partner's own traffic, with per-variant results
/// (visitors, conversions, conversion rate, orders, AOV, revenue per visitor, the difference against the baseline and
/// whether it is significant). Data comes from promotions-api as the session's partner; every value is HTML-encoded.
/// </summary>
public static class ExperimentPages
{
    public const string Path = "/portal/experiments";
    public const string UnavailableMessage = "Experiment results are unavailable right now. Please try again in a few minutes.";
    public const string NoExperimentsMessage = "No experiments run on your traffic yet.";

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static RouteHandlerBuilder MapExperimentPages(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, ShowExperiments).WithName(nameof(ShowExperiments)).WithTags("Portal").ExcludeFromDescription()
            .AddEndpointFilter(PortalEndpoints.AddPageHeaders).RequireAuthorization(PortalPolicies.PartnerSession);

    private static async Task<ContentHttpResult> ShowExperiments(
        ClaimsPrincipal user, HttpContext httpContext, IAntiforgery antiforgery, PromotionsClient promotions, CancellationToken cancellationToken)
    {
        var (accountId, partnerId) = user.SessionIds();
        var experiments = await promotions.GetExperimentsAsync(accountId, partnerId, cancellationToken);
        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        return TypedResults.Content(Render(experiments, tokens.FormFieldName, tokens.RequestToken!), PortalEndpoints.HtmlContentType);
    }

    public static string Render(IReadOnlyList<PartnerExperimentView>? experiments, string antiforgeryFieldName, string antiforgeryToken)
    {
        var body = new StringBuilder();
        body.Append("<h1>Experiments on your traffic</h1>");
        body.Append("<p class=\"muted\">Offers and product-page content tested with your visitors: each visitor always sees the same variant; ")
            .Append("the baseline is the holdout (visitors shown none of the variants) when there is one, else the first variant.</p>");
        if (experiments is null)
        {
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(UnavailableMessage)).Append("</p>");
        }
        else if (experiments.Count == 0)
        {
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(NoExperimentsMessage)).Append("</p>");
        }

        foreach (var view in experiments ?? [])
        {
            AppendExperiment(body, view);
        }

        var signOut = new StringBuilder();
        signOut.Append("<form method=\"post\" action=\"/portal/logout\">");
        signOut.Append("<input type=\"hidden\" name=\"").Append(E(antiforgeryFieldName)).Append("\" value=\"").Append(E(antiforgeryToken)).Append("\">");
        signOut.Append("<button type=\"submit\" class=\"link-button\">Sign out</button></form>");
        return PortalPages.Layout("Experiments", body.ToString(), signOut.ToString());
    }

    private static void AppendExperiment(StringBuilder body, PartnerExperimentView view)
    {
        var experiment = view.Experiment;
        var titleId = $"experiment-{experiment.Id:N}";
        body.Append("<section class=\"card\" aria-labelledby=\"").Append(titleId).Append("\"><h2 id=\"").Append(titleId).Append("\">")
            .Append(E(experiment.Name)).Append("</h2>");
        body.Append("<p class=\"muted\">").Append(E(Describe(experiment))).Append("</p>");
        if (view.Results is not { } results)
        {
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(UnavailableMessage)).Append("</p></section>");
            return;
        }

        body.Append("<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">Results per variant of ").Append(E(experiment.Name)).Append("</caption>");
        body.Append("<thead><tr><th scope=\"col\">Variant</th><th scope=\"col\">Visitors</th><th scope=\"col\">Conversions</th>")
            .Append("<th scope=\"col\">Conversion rate</th><th scope=\"col\">Orders</th><th scope=\"col\">Average order value</th>")
            .Append("<th scope=\"col\">Revenue per visitor</th><th scope=\"col\">Conversion vs baseline</th></tr></thead><tbody>");
        foreach (var variant in results.Variants)
        {
            body.Append("<tr><th scope=\"row\">").Append(E(variant.Variant)).Append(variant.Variant == results.Baseline ? " (baseline)" : "").Append("</th>");
            body.Append("<td>").Append(E(Count(variant.Exposures))).Append("</td>");
            body.Append("<td>").Append(E(Count(variant.Conversions))).Append("</td>");
            body.Append("<td>").Append(E(variant.Exposures == 0 ? "—" : Percent(variant.ConversionRate))).Append("</td>");
            body.Append("<td>").Append(E(Count(variant.Orders))).Append("</td>");
            var sales = variant.Sales ?? [];
            body.Append("<td>").Append(PerCurrency(sales.Where(money => money.Orders > 0), money => money.AverageOrderValue)).Append("</td>");
            body.Append("<td>").Append(variant.Exposures == 0 ? "—" : PerCurrency(sales, money => money.RevenuePerVisitor)).Append("</td>");
            body.Append("<td>").Append(E(Comparison(variant.ConversionVsBaseline))).Append("</td></tr>");
        }

        body.Append("</tbody></table></div>");
        body.Append("<p class=\"muted rates\">Amounts are per currency, never added up across currencies. A difference is significant when p &lt; 0.05 (two-proportion z-test).</p></section>");
    }

    private static string Describe(PartnerExperiment experiment)
    {
        var parts = new List<string> { $"Status: {experiment.Status}" };
        if (experiment.StartedAt is { } started)
        {
            parts.Add($"started {started.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");
        }

        if (experiment.EndedAt is { } ended)
        {
            parts.Add($"ended {ended.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");
        }

        parts.Add($"holdout {experiment.HoldoutPercent} %");
        parts.Add("variants " + string.Join(", ", experiment.Variants.Select(variant => $"{variant.Key} {variant.Weight} %{(variant.IsControl ? " (control)" : "")}")));
        if (experiment.Winner is { } winner)
        {
            parts.Add($"winner: {winner}");
        }

        return string.Join(" · ", parts);
    }

    /// <summary>"+2.5 points (significant, p = 0.012)" — the difference in conversion rate against the baseline.</summary>
    private static string Comparison(PartnerConversionTest? test) => test is null
        ? "—"
        : $"{(test.Difference >= 0 ? "+" : "−")}{Math.Abs(test.Difference * 100).ToString("0.0", CultureInfo.InvariantCulture)} points "
          + $"({(test.PValue < 0.05 ? "significant" : "not significant")}, p = {test.PValue.ToString("0.000", CultureInfo.InvariantCulture)})";

    private static string E(string value) => Encoder.Encode(value);

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Percent(double value) => (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    /// <summary>One line per currency, e.g. <c>EUR 92.50</c>: amounts come rounded to each currency's minor units (JPY none,
    /// KWD 3), so they are shown as sent; currencies are never added together.</summary>
    private static string PerCurrency(IEnumerable<PartnerVariantSales> sales, Func<PartnerVariantSales, decimal> amount)
    {
        var lines = sales.Select(money => E($"{money.Currency} {amount(money).ToString(CultureInfo.InvariantCulture)}")).ToList();
        return lines.Count == 0 ? "—" : string.Join("<br>", lines);
    }
}
