using System.Globalization;
using System.Text;
using static PartnerMesh.PartnerPortal.Api.Portal.PortalPages;

namespace PartnerMesh.PartnerPortal.Api.Attribution;

/// <summary>
/// What the Earnings page shows; a section's data is null when attribution could not be reached, or refused the page's
/// choice (then its errors say why).
/// </summary>
public sealed record EarningsPageModel(
    string Email,
    PartnerLedger? Ledger,
    AttributionPage<PartnerCommission>? Commissions,
    AttributionPage<PartnerPayout>? Payouts,
    IReadOnlyList<ProgramAgreement>? Agreements,
    string? Status,
    string? After,
    string? PayoutsAfter,
    IReadOnlyList<(string? Field, string Message)>? CommissionErrors = null,
    IReadOnlyList<(string? Field, string Message)>? PayoutErrors = null,
    Guid? Accepted = null,
    Guid? NotAccepted = null);

/// <summary>
/// <c>/portal/earnings</c>: the partner's program agreement to accept, its ledger per currency (earned, pending, held,
/// approved, paid, reversed, clawed back, rejected) with the CSV download, its commissions with status and hold reasons,
/// and its payouts. Every value is HTML-encoded.
/// </summary>
public static class EarningsPage
{
    public const string Path = "/portal/earnings";
    public const string LedgerCsvPath = "/portal/api/ledger.csv";
    public const string UnavailableMessage = "Your earnings are unavailable right now. Please try again in a few minutes.";
    public const string AgreementUnavailableMessage = "Your program's agreement is unavailable right now. Please try again in a few minutes.";
    public const string NotAcceptedMessage = "Your acceptance could not be recorded. Please try again in a few minutes.";
    public const string ChoiceMessage = "Choose a status from the list, and follow the page links as they are.";
    public const string NoLedgerMessage = "No commission yet.";
    public const string NoCommissionsMessage = "No commissions here yet.";
    public const string NoPayoutsMessage = "No payouts yet.";
    public const string AgreementExplained = "You earn commission only once you have accepted your program's latest agreement. Accepting it again changes nothing.";

    public const string LedgerExplained =
        "Earned: every commission booked and not rejected. Pending: within its hold period (a refund may still reverse it); "
        + "held: waiting for review; approved: due in the next payout; paid: paid out. Reversed: taken back by refunds before "
        + "payout; clawed back: taken back after payout, from your next payout. Amounts in different currencies are never added up.";

    public static readonly IReadOnlyDictionary<string, string> StatusLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["pending"] = "Pending",
        ["held"] = "Held for review",
        ["approved"] = "Approved",
        ["paid"] = "Paid",
        ["rejected"] = "Rejected",
    };

    public static readonly IReadOnlyDictionary<string, string> KindLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["sale"] = "Sale",
        ["lead"] = "Lead",
        ["click"] = "Clicks",
        ["milestone"] = "Retention milestone",
        ["reversal"] = "Reversal",
        ["clawback"] = "Clawback",
    };

    /// <summary>Attribution's fraud rules in words; other reasons are shown as they are.</summary>
    public static readonly IReadOnlyDictionary<string, string> HoldReasonLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["self-referral"] = "self-referral (the buyer looks like you)",
        ["click-flooding"] = "many clicks from one source",
        ["fast-conversion"] = "order implausibly soon after the click",
        ["paid-search-policy"] = "paid search traffic the program does not allow",
        ["code-leak"] = "your code used without your link (possible leak)",
        ["disposable-email"] = "order from a throwaway e-mail address",
    };

    public static string Render(EarningsPageModel model, string antiforgeryFieldName, string antiforgeryToken)
    {
        var body = new StringBuilder();
        body.Append("<h1>Earnings</h1>");
        body.Append("<p class=\"muted\">Signed in as ").Append(E(model.Email)).Append(" · dates in UTC</p>");
        AppendAgreement(body, model, antiforgeryFieldName, antiforgeryToken);
        AppendLedger(body, model.Ledger);
        AppendCommissions(body, model);
        AppendPayouts(body, model);
        return Layout("Earnings", body.ToString(), SignOut(antiforgeryFieldName, antiforgeryToken));
    }

    /// <summary>The latest version of the program's agreement with its Accept button; nothing for a partner without one.</summary>
    private static void AppendAgreement(StringBuilder body, EarningsPageModel model, string antiforgeryFieldName, string antiforgeryToken)
    {
        if (model.Agreements is { Count: 0 })
        {
            return;
        }

        body.Append("<section class=\"card\" aria-labelledby=\"agreement-title\"><h2 id=\"agreement-title\">Program agreement</h2>");
        if (model.Agreements is not { } agreements)
        {
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(AgreementUnavailableMessage)).Append("</p></section>");
            return;
        }

        var latest = agreements.MaxBy(agreement => agreement.Version)!;
        if (agreements.FirstOrDefault(agreement => agreement.Id == model.Accepted) is { } accepted)
        {
            body.Append("<p class=\"notice\" role=\"status\">").Append(E($"You accepted version {accepted.Version} of “{accepted.Title}”.")).Append("</p>");
        }

        if (model.NotAccepted is not null)
        {
            body.Append("<p class=\"alert\" role=\"alert\">").Append(E(NotAcceptedMessage)).Append("</p>");
        }

        var version = latest.Version.ToString(CultureInfo.InvariantCulture);
        body.Append("<p class=\"muted\">").Append(E(AgreementExplained)).Append("</p>");
        body.Append("<h3>").Append(E(latest.Title)).Append("</h3>");
        body.Append("<p class=\"muted\">").Append(E($"Version {version}, published {Date(latest.CreatedAt)}")).Append("</p>");
        body.Append("<div class=\"agreement\">").Append(E(latest.Body)).Append("</div>");
        body.Append("<form method=\"post\" action=\"/portal/agreements/").Append(latest.Id).Append("/acceptance\">");
        body.Append("<input type=\"hidden\" name=\"").Append(E(antiforgeryFieldName)).Append("\" value=\"").Append(E(antiforgeryToken)).Append("\">");
        body.Append("<button type=\"submit\">").Append(E($"Accept version {version}")).Append("</button></form></section>");
    }

    private static void AppendLedger(StringBuilder body, PartnerLedger? ledger)
    {
        body.Append("<section class=\"card\" aria-labelledby=\"ledger-title\"><h2 id=\"ledger-title\">Your ledger</h2>");
        if (ledger is null)
        {
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(UnavailableMessage)).Append("</p></section>");
            return;
        }

        if (ledger.Totals.Count == 0)
        {
            body.Append("<p>").Append(E(NoLedgerMessage)).Append("</p></section>");
            return;
        }

        body.Append("<div class=\"table-wrap\"><table class=\"nowrap\"><caption class=\"visually-hidden\">Your commission per currency and state</caption>");
        body.Append("<thead><tr><th scope=\"col\">Currency</th><th scope=\"col\">Earned</th><th scope=\"col\">Pending</th><th scope=\"col\">Held</th>")
            .Append("<th scope=\"col\">Approved</th><th scope=\"col\">Paid</th><th scope=\"col\">Reversed</th><th scope=\"col\">Clawed back</th>")
            .Append("<th scope=\"col\">Rejected</th></tr></thead><tbody>");
        foreach (var totals in ledger.Totals.OrderBy(totals => totals.Currency, StringComparer.Ordinal))
        {
            body.Append("<tr><th scope=\"row\">").Append(E(totals.Currency)).Append("</th>");
            foreach (var amount in new[] { totals.Earned, totals.Pending, totals.Held, totals.Approved, totals.Paid, totals.Reversed, totals.ClawedBack, totals.Rejected })
            {
                body.Append("<td>").Append(E(Money(totals.Currency, amount))).Append("</td>");
            }

            body.Append("</tr>");
        }

        body.Append("</tbody></table></div>");
        body.Append("<p class=\"muted rates\">").Append(E(LedgerExplained)).Append("</p>");
        body.Append("<p class=\"rates\"><a href=\"").Append(LedgerCsvPath).Append("\" download>Download every ledger entry (CSV)</a></p></section>");
    }

    private static void AppendCommissions(StringBuilder body, EarningsPageModel model)
    {
        body.Append("<section class=\"card\" aria-labelledby=\"commissions-title\"><h2 id=\"commissions-title\">Commissions</h2>");
        AppendStatusForm(body, model.Status, model.CommissionErrors is not null);
        if (model.CommissionErrors is { } errors)
        {
            AppendErrors(body, "commission-error", errors);
            body.Append("</section>");
            return;
        }

        if (model.Commissions is not { } page)
        {
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(UnavailableMessage)).Append("</p></section>");
            return;
        }

        if (page.Items.Count == 0)
        {
            body.Append("<p>").Append(E(NoCommissionsMessage)).Append("</p></section>");
            return;
        }

        body.Append("<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">Your commissions, oldest first</caption>");
        body.Append("<thead><tr><th scope=\"col\">Booked</th><th scope=\"col\">Kind</th><th scope=\"col\">Order</th><th scope=\"col\">Amount</th>")
            .Append("<th scope=\"col\">Status</th><th scope=\"col\" class=\"text\">Details</th></tr></thead><tbody>");
        foreach (var commission in page.Items)
        {
            body.Append("<tr><th scope=\"row\" class=\"nowrap\">").Append(E(Date(commission.CreatedAt))).Append("</th>");
            body.Append("<td>").Append(E(KindLabels.GetValueOrDefault(commission.Kind, commission.Kind))).Append("</td>");
            body.Append("<td>").Append(commission.OrderId is { } order ? E(order) : "—").Append("</td>");
            body.Append("<td class=\"nowrap\">").Append(E(Money(commission.Currency, commission.Amount))).Append("</td>");
            body.Append("<td>").Append(E(StatusLabels.GetValueOrDefault(commission.Status, commission.Status))).Append("</td>");
            body.Append("<td class=\"text\">").Append(E(Details(commission))).Append("</td></tr>");
        }

        body.Append("</tbody></table></div>");
        if (page.NextCursor is { } next)
        {
            body.Append("<p class=\"rates\"><a href=\"").Append(E(Link(("status", model.Status), ("after", next)))).Append("\">Next commissions</a></p>");
        }

        body.Append("</section>");
    }

    private static void AppendStatusForm(StringBuilder body, string? status, bool refused)
    {
        body.Append("<form class=\"range\" method=\"get\" action=\"").Append(Path).Append("\" aria-label=\"Commission status\">");
        body.Append("<div><label for=\"status\">Status</label><select id=\"status\" name=\"status\"")
            .Append(refused ? " aria-describedby=\"commission-error\"" : "").Append('>');
        body.Append("<option value=\"\">All</option>");
        foreach (var (value, label) in StatusLabels)
        {
            body.Append("<option value=\"").Append(E(value)).Append('"').Append(value == status ? " selected" : "").Append('>').Append(E(label)).Append("</option>");
        }

        body.Append("</select></div><button type=\"submit\">Show</button></form>");
    }

    private static void AppendPayouts(StringBuilder body, EarningsPageModel model)
    {
        body.Append("<section class=\"card\" aria-labelledby=\"payouts-title\"><h2 id=\"payouts-title\">Payouts</h2>");
        if (model.PayoutErrors is { } errors)
        {
            AppendErrors(body, "payout-error", errors);
            body.Append("</section>");
            return;
        }

        if (model.Payouts is not { } page)
        {
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(UnavailableMessage)).Append("</p></section>");
            return;
        }

        if (page.Items.Count == 0)
        {
            body.Append("<p>").Append(E(NoPayoutsMessage)).Append("</p></section>");
            return;
        }

        body.Append("<div class=\"table-wrap\"><table class=\"nowrap\"><caption class=\"visually-hidden\">Your payouts, oldest first, one row per currency</caption>");
        body.Append("<thead><tr><th scope=\"col\">Paid</th><th scope=\"col\">Amount</th><th scope=\"col\">Entries</th><th scope=\"col\">Payout batch</th></tr></thead><tbody>");
        foreach (var payout in page.Items)
        {
            body.Append("<tr><th scope=\"row\">").Append(E(Date(payout.CreatedAt))).Append("</th>");
            body.Append("<td>").Append(E(Money(payout.Currency, payout.Amount))).Append("</td>");
            body.Append("<td>").Append(E(Count(payout.EntryCount))).Append("</td>");
            body.Append("<td>").Append(E(payout.PayoutBatchId.ToString())).Append("</td></tr>");
        }

        body.Append("</tbody></table></div>");
        if (page.NextCursor is { } next)
        {
            body.Append("<p class=\"rates\"><a href=\"").Append(E(Link(("status", model.Status), ("after", model.After), ("payoutsAfter", next))))
                .Append("\">Next payouts</a></p>");
        }

        body.Append("</section>");
    }

    private static void AppendErrors(StringBuilder body, string id, IReadOnlyList<(string? Field, string Message)> errors)
    {
        body.Append("<div class=\"alert\" role=\"alert\" id=\"").Append(id).Append("\"><ul>");
        foreach (var (field, message) in errors)
        {
            body.Append("<li>").Append(field is null ? "" : E(field + ": ")).Append(E(message)).Append("</li>");
        }

        body.Append("</ul></div>");
    }

    /// <summary>Why it is held and until when it waits, when it was paid, and attribution's note.</summary>
    private static string Details(PartnerCommission commission)
    {
        var parts = new List<string>();
        if (commission.HoldReasons.Count > 0)
        {
            parts.Add("Hold reasons: " + string.Join(", ", commission.HoldReasons.Select(reason => HoldReasonLabels.GetValueOrDefault(reason, reason))));
        }

        if (commission.Status is "pending" or "held")
        {
            parts.Add($"hold period until {Date(commission.HoldUntil)}");
        }

        if (commission.PaidAt is { } paid)
        {
            parts.Add($"paid {Date(paid)}");
        }

        if (commission.Note is { Length: > 0 } note)
        {
            parts.Add(note);
        }

        return parts.Count == 0 ? "—" : string.Join("; ", parts);
    }

    /// <summary>This page with the given parameters that have a value, each escaped.</summary>
    private static string Link(params (string Name, string? Value)[] parameters) =>
        Path + "?" + string.Join('&', parameters.Where(parameter => !string.IsNullOrEmpty(parameter.Value))
            .Select(parameter => parameter.Name + "=" + Uri.EscapeDataString(parameter.Value!)));

    internal static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
