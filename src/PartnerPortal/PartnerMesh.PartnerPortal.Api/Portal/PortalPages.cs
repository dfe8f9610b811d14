using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.PartnerPortal.Api.Analytics;

namespace PartnerMesh.PartnerPortal.Api.Portal;

/// <summary>
/// The portal's server-rendered pages. Every value that comes from data or from the request goes through
/// <see cref="E"/> (HTML encoding); the only markup is the literal text in this file.
/// </summary>
public static class PortalPages
{
    public const string UnavailableMessage = "Your numbers are unavailable right now. Please try again in a few minutes.";
    public const string SignInFailedMessage = "Sign-in failed. Check your email and password; after repeated failures, wait a few minutes before trying again.";
    public const string FormExpiredMessage = "The sign-in form expired. Please try again.";
    public const string MissingCredentialsMessage = "Enter your email and password.";

    /// <summary>Where an amount would be when there were no sales: a dash to see, words to hear.</summary>
    public const string NoSales = "<span aria-hidden=\"true\">—</span><span class=\"visually-hidden\">no sales</span>";

    /// <summary>Where a rate per click would be when there were no clicks: there is no rate, not a rate of 0.</summary>
    public const string NoClicks = "<span aria-hidden=\"true\">—</span><span class=\"visually-hidden\">no clicks</span>";

    /// <summary>What the two per-click figures mean (definitions in docs/kpis.md).</summary>
    public const string RatesExplained =
        "Conversion rate: the share of your clicks followed by at least one order (at most 100 %). "
        + "Orders per click: orders from your clicks divided by clicks. Both count the orders from a click on the day of the "
        + "click, whenever they came; Orders counts orders on the day they were placed.";

    private const string Css = """
        :root { color-scheme: light; --ink: #1d2433; --muted: #5b6478; --line: #d9dee8; --brand: #2453d6; --bg: #f5f7fb; --bad: #a3261b; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
        header { display: flex; align-items: center; justify-content: space-between; gap: 1rem; padding: .75rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line); }
        .brand { font-weight: 700; color: var(--brand); text-decoration: none; }
        main { max-width: 72rem; margin: 2rem auto; padding: 0 1.5rem; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: .5rem; padding: 1.5rem; margin-bottom: 1.5rem; }
        .narrow { max-width: 26rem; margin: 3rem auto; }
        h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
        h2 { font-size: 1.15rem; margin: 0 0 1rem; }
        .muted { color: var(--muted); margin: 0 0 1.5rem; }
        .rates { font-size: .85rem; margin: 1rem 0 0; }
        label { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
        input { width: 100%; padding: .6rem .7rem; font: inherit; border: 1px solid #9aa3b5; border-radius: .35rem; }
        button { font: inherit; font-weight: 600; padding: .6rem 1.1rem; border: 0; border-radius: .35rem; background: var(--brand); color: #fff; cursor: pointer; }
        .card form > button { margin-top: 1.5rem; width: 100%; }
        .card form.range > button { margin-top: 0; width: auto; }
        header form { margin: 0; }
        .table-wrap { overflow-x: auto; }
        .link-button { background: none; color: var(--brand); padding: .25rem .5rem; text-decoration: underline; }
        :focus-visible { outline: 3px solid #f2b705; outline-offset: 2px; }
        .alert { border-left: 4px solid var(--bad); background: #fdf0ee; padding: .75rem 1rem; margin: 1rem 0; }
        .notice { border-left: 4px solid var(--brand); background: #eef3ff; padding: .75rem 1rem; margin: 0; }
        .totals { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: 1rem; margin: 0; }
        .totals div { border: 1px solid var(--line); border-radius: .4rem; padding: .75rem 1rem; }
        .totals dt { color: var(--muted); font-size: .85rem; }
        .totals dd { margin: 0; font-size: 1.35rem; font-weight: 700; }
        table { width: 100%; border-collapse: collapse; }
        th, td { padding: .5rem .75rem; border-bottom: 1px solid var(--line); text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        thead th { color: var(--muted); font-size: .85rem; }
        .amount { display: block; white-space: nowrap; }
        nav { display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin-right: auto; }
        .suppressed { color: var(--muted); font-style: italic; }
        .totals .suppressed { font-size: .9rem; font-weight: 400; }
        .totals + .notice { margin-top: 1rem; }
        .notice + .notice { margin-top: .5rem; }
        .range { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 1rem; }
        .range label { margin-top: 0; }
        .range input { width: auto; }
        select { padding: .6rem .7rem; font: inherit; border: 1px solid #9aa3b5; border-radius: .35rem; background: #fff; }
        h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
        .agreement { white-space: pre-line; border-left: 3px solid var(--line); padding: .25rem 1rem; margin-bottom: 1rem; }
        .nowrap { white-space: nowrap; }
        th.text, td.text { text-align: left; }
        th.url, td.url { overflow-wrap: anywhere; text-align: left; }
        .card form.range { margin-bottom: 1rem; }
        .secret { font-family: ui-monospace, monospace; overflow-wrap: anywhere; background: #fff; padding: .1rem .3rem; }
        fieldset { border: 0; padding: 0; margin: 1rem 0 0; }
        legend { font-weight: 600; margin-bottom: .25rem; }
        .choice { display: flex; align-items: center; gap: .5rem; font-weight: 400; margin: .25rem 0; }
        .choice input { width: auto; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
        """;

    /// <summary>The signed-in pages' links.</summary>
    private const string Navigation = "<nav aria-label=\"Portal\"><a href=\"/portal/\">Dashboard</a><a href=\"/portal/earnings\">Earnings</a><a href=\"/portal/links\">Links &amp; codes</a><a href=\"/portal/surveys\">Survey insights</a><a href=\"/portal/scorecard\">Scorecard</a><a href=\"/portal/experiments\">Experiments</a><a href=\"/portal/webhooks\">Webhooks</a></nav>";

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>Content-Security-Policy allowing exactly the inline stylesheet above and nothing else.</summary>
    public static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Css)))}'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static string Login(string antiforgeryFieldName, string antiforgeryToken, string? email, string? error)
    {
        var body = new StringBuilder();
        body.Append("<section class=\"card narrow\" aria-labelledby=\"sign-in-title\">");
        body.Append("<h1 id=\"sign-in-title\">Sign in</h1>");
        body.Append("<p class=\"muted\">See your clicks, orders and commission.</p>");
        if (error is not null)
        {
            body.Append("<p class=\"alert\" role=\"alert\" id=\"sign-in-error\">").Append(E(error)).Append("</p>");
        }

        body.Append("<form method=\"post\" action=\"").Append(E(PortalSession.LoginPath)).Append("\">");
        body.Append("<input type=\"hidden\" name=\"").Append(E(antiforgeryFieldName)).Append("\" value=\"").Append(E(antiforgeryToken)).Append("\">");
        body.Append("<label for=\"email\">Email</label>");
        body.Append("<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required maxlength=\"").Append(AccountRules.MaxEmailLength).Append("\" value=\"")
            .Append(E(email ?? "")).Append('"');
        body.Append(error is null ? " autofocus>" : " aria-describedby=\"sign-in-error\">");
        body.Append("<label for=\"password\">Password</label>");
        body.Append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>");
        body.Append("<button type=\"submit\">Sign in</button>");
        body.Append("</form></section>");
        return Layout("Sign in", body.ToString(), signOut: null);
    }

    public static string Dashboard(DashboardModel model, string antiforgeryFieldName, string antiforgeryToken)
    {
        var body = new StringBuilder();
        body.Append("<h1>").Append(E(model.PartnerName)).Append("</h1>");
        body.Append("<p class=\"muted\">Signed in as ").Append(E(model.Email)).Append(" · last ").Append(Days(model)).Append(" days, ")
            .Append(E(Day(model.From))).Append(" to ").Append(E(Day(model.To))).Append(" (UTC)</p>");

        if (model.Report is not { } report)
        {
            body.Append("<section class=\"card\" aria-labelledby=\"totals-title\"><h2 id=\"totals-title\">Your numbers</h2>");
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(UnavailableMessage)).Append("</p></section>");
        }
        else
        {
            AppendTotals(body, report.Totals);
            AppendDays(body, report.Days);
        }

        return Layout(model.PartnerName, body.ToString(), SignOut(antiforgeryFieldName, antiforgeryToken));
    }

    /// <summary>A signed-in partner's page for a <c>/portal</c> path no page answers.</summary>
    public static string NotFound(string antiforgeryFieldName, string antiforgeryToken) => Layout(
        "Page not found",
        "<section class=\"card\" aria-labelledby=\"not-found-title\"><h1 id=\"not-found-title\">Page not found</h1>"
        + "<p class=\"muted\">There is no portal page at this address.</p>"
        + $"<p><a href=\"{PortalSession.DashboardPath}\">Go to your dashboard</a></p></section>",
        SignOut(antiforgeryFieldName, antiforgeryToken));

    /// <summary>The sign-out form in a signed-in page's header (the layout adds the navigation before it).</summary>
    internal static string SignOut(string antiforgeryFieldName, string antiforgeryToken)
    {
        var signOut = new StringBuilder();
        signOut.Append("<form method=\"post\" action=\"/portal/logout\">");
        signOut.Append("<input type=\"hidden\" name=\"").Append(E(antiforgeryFieldName)).Append("\" value=\"").Append(E(antiforgeryToken)).Append("\">");
        signOut.Append("<button type=\"submit\" class=\"link-button\">Sign out</button></form>");
        return signOut.ToString();
    }

    private static void AppendTotals(StringBuilder body, KpiTotals totals)
    {
        var sales = ByCurrency(totals.Sales);
        body.Append("<section class=\"card\" aria-labelledby=\"totals-title\"><h2 id=\"totals-title\">Totals</h2><dl class=\"totals\">");
        Total(body, "Clicks", Count(totals.Clicks));
        Total(body, "Orders", Count(totals.Orders));
        TotalPerCurrency(body, "Revenue", sales, entry => entry.Revenue);
        TotalPerCurrency(body, "Commission", sales, entry => entry.Commission);
        TotalPerClick(body, "Conversion rate", totals.ConversionRate, Percent);
        TotalPerClick(body, "Orders per click", totals.OrdersPerClick, PerClick);
        TotalPerCurrency(body, "Average order value", sales, entry => entry.AverageOrderValue);
        body.Append("</dl><p class=\"muted rates\">").Append(E(RatesExplained)).Append("</p></section>");
    }

    private static void AppendDays(StringBuilder body, IReadOnlyList<KpiDay> days)
    {
        body.Append("<section class=\"card\" aria-labelledby=\"days-title\"><h2 id=\"days-title\">By day</h2>");
        if (days.Count == 0)
        {
            body.Append("<p>No clicks or orders in this period yet.</p></section>");
            return;
        }

        body.Append("<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">Clicks, orders, revenue and commission (per currency), conversion rate and orders per click per day (UTC)</caption>");
        body.Append("<thead><tr><th scope=\"col\">Day</th><th scope=\"col\">Clicks</th><th scope=\"col\">Orders</th>");
        body.Append("<th scope=\"col\">Revenue</th><th scope=\"col\">Commission</th><th scope=\"col\">Conversion rate</th>");
        body.Append("<th scope=\"col\">Orders per click</th></tr></thead><tbody>");
        foreach (var day in days.OrderByDescending(day => day.Day))
        {
            body.Append("<tr><th scope=\"row\">").Append(E(Day(day.Day))).Append("</th>");
            body.Append("<td>").Append(E(Count(day.Clicks))).Append("</td>");
            body.Append("<td>").Append(E(Count(day.Orders))).Append("</td>");
            var sales = ByCurrency(day.Sales);
            CellPerCurrency(body, sales, entry => entry.Revenue);
            CellPerCurrency(body, sales, entry => entry.Commission);
            CellPerClick(body, day.ConversionRate, Percent);
            CellPerClick(body, day.OrdersPerClick, PerClick);
            body.Append("</tr>");
        }

        body.Append("</tbody></table></div></section>");
    }

    private static void Total(StringBuilder body, string label, string value) =>
        body.Append("<div><dt>").Append(E(label)).Append("</dt><dd>").Append(E(value)).Append("</dd></div>");

    /// <summary>A figure per click, or a dash without clicks.</summary>
    private static void TotalPerClick(StringBuilder body, string label, decimal? value, Func<decimal, string> format) =>
        body.Append("<div><dt>").Append(E(label)).Append("</dt><dd>").Append(value is { } figure ? E(format(figure)) : NoClicks).Append("</dd></div>");

    private static void CellPerClick(StringBuilder body, decimal? value, Func<decimal, string> format) =>
        body.Append("<td>").Append(value is { } figure ? E(format(figure)) : NoClicks).Append("</td>");

    /// <summary>One <c>dd</c> per currency ("EUR 120.50"): amounts in different currencies are never added up.</summary>
    private static void TotalPerCurrency(StringBuilder body, string label, List<KpiSales> sales, Func<KpiSales, decimal> amount)
    {
        body.Append("<div><dt>").Append(E(label)).Append("</dt>");
        if (sales.Count == 0)
        {
            body.Append("<dd>").Append(NoSales).Append("</dd>");
        }

        foreach (var entry in sales)
        {
            body.Append("<dd>").Append(E(Money(entry.Currency, amount(entry)))).Append("</dd>");
        }

        body.Append("</div>");
    }

    /// <summary>One line per currency in the cell ("EUR 120.50"): amounts in different currencies are never added up.</summary>
    private static void CellPerCurrency(StringBuilder body, List<KpiSales> sales, Func<KpiSales, decimal> amount)
    {
        body.Append("<td>");
        if (sales.Count == 0)
        {
            body.Append(NoSales);
        }

        foreach (var entry in sales)
        {
            body.Append("<span class=\"amount\">").Append(E(Money(entry.Currency, amount(entry)))).Append("</span>");
        }

        body.Append("</td>");
    }

    private static List<KpiSales> ByCurrency(IEnumerable<KpiSales> sales) =>
        sales.OrderBy(entry => entry.Currency, StringComparer.Ordinal).ToList();

    internal static string Layout(string title, string main, string? signOut) =>
        $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{E(title)} · PartnerMesh Partner Portal</title>
        <style>{Css}</style>
        </head>
        <body>
        <header><a class="brand" href="{PortalSession.DashboardPath}">PartnerMesh Partner Portal</a>{(signOut is null ? "" : Navigation)}{signOut}</header>
        <main>{main}</main>
        </body>
        </html>
        """;

    internal static string E(string value) => Encoder.Encode(value);

    internal static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static int Days(DashboardModel model) => model.To.DayNumber - model.From.DayNumber + 1;

    internal static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>An amount with its currency's minor units (ISO 4217): <c>EUR 1,234.50</c>, <c>JPY 1,235</c>, <c>KWD 1.250</c>.</summary>
    internal static string Money(string currency, decimal value) =>
        currency + " " + value.ToString("N" + MinorUnits(currency).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static int MinorUnits(string currency) => currency switch
    {
        "BIF" or "CLP" or "DJF" or "GNF" or "ISK" or "JPY" or "KMF" or "KRW" or "PYG" or "RWF" or "UGX" or "UYI" or "VND"
            or "VUV" or "XAF" or "XOF" or "XPF" => 0,
        "BHD" or "IQD" or "JOD" or "KWD" or "LYD" or "OMR" or "TND" => 3,
        _ => 2,
    };

    /// <summary>A share as a percentage with one decimal: 0.0304 → <c>3.0 %</c>, 1 → <c>100.0 %</c>.</summary>
    internal static string Percent(decimal value) => (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    /// <summary>A plain number with up to three decimals: 9 → <c>9</c>, 0.5 → <c>0.5</c>, 0.0361 → <c>0.036</c>.</summary>
    private static string PerClick(decimal value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
