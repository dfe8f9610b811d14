using System.Globalization;
using System.Text;
using static PartnerMesh.PartnerPortal.Api.Portal.PortalPages;

namespace PartnerMesh.PartnerPortal.Api.Attribution;

/// <summary>What the Links &amp; codes page shows; a section's data is null when attribution could not be reached or refused.</summary>
/// <param name="PublicBase">Where shoppers reach the click redirect (<see cref="TrackingLinks.PublicBase"/>).</param>
public sealed record LinksPageModel(
    string Email,
    string PublicBase,
    ClickSummary? Clicks,
    AttributionPage<PartnerLink>? Links,
    string? After,
    IReadOnlyList<(string? Field, string Message)>? Errors);

/// <summary>
/// <c>/portal/links</c>: the partner's clicks summary and its referral links, each with its code, tracking URL and target.
/// Every value is HTML-encoded.
/// </summary>
public static class LinksPage
{
    public const string Path = "/portal/links";
    public const string UnavailableMessage = "Your links and clicks are unavailable right now. Please try again in a few minutes.";
    public const string ChoiceMessage = "Follow the page links as they are.";
    public const string NoLinksMessage = "You have no links yet: the program's team creates them for you.";

    public const string LinksExplained =
        "Share a tracking URL as it is shown (in a post, an email or a page): each visit through it is recorded as your "
        + "click and sent on to the target. The code is your referral code; shoppers who arrive with it are credited to you.";

    public const string ClicksExplained =
        "Duplicate clicks (the same visitor again within a short time) are collapsed into one click. Paid-traffic clicks "
        + "carry an ad platform's click id (gclid, fbclid, …).";

    public static string Render(LinksPageModel model, string antiforgeryFieldName, string antiforgeryToken)
    {
        var body = new StringBuilder();
        body.Append("<h1>Links &amp; codes</h1>");
        body.Append("<p class=\"muted\">Signed in as ").Append(E(model.Email)).Append(" · dates in UTC</p>");
        AppendClicks(body, model.Clicks);
        AppendLinks(body, model);
        return Layout("Links & codes", body.ToString(), SignOut(antiforgeryFieldName, antiforgeryToken));
    }

    private static void AppendClicks(StringBuilder body, ClickSummary? clicks)
    {
        body.Append("<section class=\"card\" aria-labelledby=\"clicks-title\"><h2 id=\"clicks-title\">Your clicks</h2>");
        if (clicks is null)
        {
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(UnavailableMessage)).Append("</p></section>");
            return;
        }

        body.Append("<dl class=\"totals\">");
        Figure(body, "Clicks", Count(clicks.Clicks));
        Figure(body, "Unique visitors", Count(clicks.UniqueVisitors));
        Figure(body, "Duplicate clicks collapsed", Count(clicks.DuplicateClicks));
        Figure(body, "Paid-traffic clicks", Count(clicks.PaidClicks));
        Figure(body, "Last click", clicks.LastClickAt is { } last
            ? last.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
            : "none yet");
        body.Append("</dl><p class=\"muted rates\">").Append(E(ClicksExplained)).Append("</p></section>");
    }

    private static void AppendLinks(StringBuilder body, LinksPageModel model)
    {
        body.Append("<section class=\"card\" aria-labelledby=\"links-title\"><h2 id=\"links-title\">Your links and codes</h2>");
        if (model.Errors is { } errors)
        {
            body.Append("<div class=\"alert\" role=\"alert\"><ul>");
            foreach (var (field, message) in errors)
            {
                body.Append("<li>").Append(field is null ? "" : E(field + ": ")).Append(E(message)).Append("</li>");
            }

            body.Append("</ul></div></section>");
            return;
        }

        if (model.Links is not { } page)
        {
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(UnavailableMessage)).Append("</p></section>");
            return;
        }

        if (page.Items.Count == 0)
        {
            body.Append("<p>").Append(E(NoLinksMessage)).Append("</p></section>");
            return;
        }

        body.Append("<p class=\"muted\">").Append(E(LinksExplained)).Append("</p>");
        body.Append("<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">Your referral links: code, tracking URL, target and state</caption>");
        body.Append("<thead><tr><th scope=\"col\">Code</th><th scope=\"col\" class=\"text\">Tracking URL</th><th scope=\"col\" class=\"text\">Goes to</th>")
            .Append("<th scope=\"col\">State</th><th scope=\"col\">Created</th></tr></thead><tbody>");
        foreach (var link in page.Items)
        {
            body.Append("<tr><th scope=\"row\" class=\"nowrap\">").Append(E(link.Code)).Append("</th>");
            body.Append(TrackingLinks.Absolute(model.PublicBase, link.TrackingPath) is { } url
                ? $"<td class=\"text nowrap\"><a href=\"{E(url)}\">{E(url)}</a></td>"
                : $"<td class=\"text nowrap\">{E(link.TrackingPath)}</td>");
            body.Append("<td class=\"url\">").Append(E(link.TargetUrl)).Append("</td>");
            body.Append("<td class=\"nowrap\">").Append(link.Active ? "Active" : "Switched off").Append("</td>");
            body.Append("<td class=\"nowrap\">").Append(E(EarningsPage.Date(link.CreatedAt))).Append("</td></tr>");
        }

        body.Append("</tbody></table></div>");
        if (page.NextCursor is { } next)
        {
            body.Append("<p class=\"rates\"><a href=\"").Append(E(Path + "?after=" + Uri.EscapeDataString(next))).Append("\">Next links</a></p>");
        }

        body.Append("</section>");
    }

    private static void Figure(StringBuilder body, string label, string value) =>
        body.Append("<div><dt>").Append(E(label)).Append("</dt><dd>").Append(E(value)).Append("</dd></div>");
}
