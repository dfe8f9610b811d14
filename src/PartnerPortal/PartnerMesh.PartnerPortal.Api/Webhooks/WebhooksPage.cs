using System.Globalization;
using System.Text;
using static PartnerMesh.PartnerPortal.Api.Portal.PortalPages;

namespace PartnerMesh.PartnerPortal.Api.Webhooks;

/// <summary>
/// What the Webhooks page shows: the partner's subscriptions, after the add form the new one with its secret (once), after
/// a "Rotate secret" button the subscription's new secret (<see cref="Rotated"/>, once),
/// the one an earlier send of the same form made (<see cref="AlreadyCreated"/>), or why it was refused.
/// </summary>
public sealed record WebhooksPageModel(
    string Email,
    IReadOnlyList<WebhookResponse> Subscriptions,
    string? Url = null,
    IReadOnlyList<string>? Chosen = null,
    IReadOnlyList<(string? Field, string Message)>? Errors = null,
    CreatedWebhookResponse? Created = null,
    WebhookResponse? AlreadyCreated = null,
    bool Deleted = false,
    bool SwitchedOn = false,
    IReadOnlyList<PartnerDelivery>? Deliveries = null,
    string? OlderDeliveries = null,
    bool Redelivered = false,
    string? DeliveriesError = null,
    RotatedSecretResponse? Rotated = null);

/// <summary>
/// <c>/portal/webhooks</c>: the partner's webhook subscriptions (each with when its secret was last rotated and, while the
/// previous secret still signs, until when), a form to add one, a button to delete each, one to rotate
/// each one's signing secret and one to switch on one that is off, and the latest deliveries of them all with a button to
/// send each again. Every value is HTML-encoded.
/// </summary>
public static class WebhooksPage
{
    public const string Path = "/portal/webhooks";
    public const string ChooseEventsMessage = "Choose at least one kind of event.";
    public const string NoWebhooksMessage = "No webhooks yet.";
    public const string DeletedMessage = "The webhook was deleted: it receives nothing more.";
    public const string SwitchedOnMessage = "The webhook is switched on: the events that waited go out now.";
    public const string RedeliveredMessage = "The delivery is sent again (same event id): its status below changes when it is done.";
    public const string NoDeliveriesMessage = "No deliveries yet.";
    public const string BadDeliveriesLinkMessage = "That link to older deliveries is not valid: start again from the newest.";
    public const int DeliveriesPerPage = 20;
    public const string SecretShownOnce = "Its signing secret is shown only this once: copy it now.";

    /// <summary>A subscription's secret state before its first rotation (or when its rotation predates the record of it).</summary>
    public const string NeverRotatedMessage = "No secret rotation recorded.";

    public const string RotatedMessage =
        "The webhook has a new signing secret. Until the time below, deliveries are signed with both the new and the previous "
        + "secret (two v1 values in PartnerMesh-Signature); after it, with the new one only: switch your endpoint to it before then.";

    public const string AlreadyCreatedMessage =
        "This form was sent before and the webhook exists. Its signing secret is shown only once: if you lost it, rotate the "
        + "webhook's secret.";

    public const string Explained =
        "PartnerMesh sends events about you (conversions, commissions, payouts, …) to your HTTPS endpoint as they happen, "
        + "signed: check each delivery's PartnerMesh-Signature header (HMAC-SHA256 of the timestamp, a dot and the body, "
        + "keyed with the webhook's secret). After you rotate a secret the header carries one v1 signature per secret "
        + "that still signs: accept the delivery when any of them matches. Events that identify a single shopper are never "
        + "sent to partners.";

    public static string Render(WebhooksPageModel model, IReadOnlyList<string> eventTypes, string antiforgeryFieldName, string antiforgeryToken)
    {
        var body = new StringBuilder();
        body.Append("<h1>Webhooks</h1>");
        body.Append("<p class=\"muted\">Signed in as ").Append(E(model.Email)).Append("</p>");
        if (model.Created is { } created)
        {
            body.Append("<section class=\"card\" aria-labelledby=\"created-title\"><h2 id=\"created-title\">Webhook added</h2>");
            body.Append("<p class=\"notice\" role=\"status\">").Append(E($"Events now go to {created.Webhook.Url}. {SecretShownOnce}")).Append("</p>");
            body.Append("<p>Signing secret: <span class=\"secret\" id=\"webhook-secret\">").Append(E(created.Secret)).Append("</span></p></section>");
        }

        if (model.Rotated is { } rotated)
        {
            body.Append("<section class=\"card\" aria-labelledby=\"rotated-title\"><h2 id=\"rotated-title\">Secret rotated</h2>");
            body.Append("<p class=\"notice\" role=\"status\">").Append(E($"{RotatedMessage} {SecretShownOnce}")).Append("</p>");
            body.Append("<p>Webhook: <span class=\"url\">").Append(E(rotated.Webhook.Url)).Append("</span></p>");
            body.Append("<p>Signing secret: <span class=\"secret\" id=\"webhook-secret\">").Append(E(rotated.Secret)).Append("</span></p>");
            body.Append("<p>The previous secret stops signing at <time id=\"previous-secret-expires\" datetime=\"")
                .Append(E(rotated.PreviousSecretExpiresAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))).Append("\">")
                .Append(E(Time(rotated.PreviousSecretExpiresAt))).Append("</time>.</p></section>");
        }

        if (model.AlreadyCreated is not null)
        {
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(AlreadyCreatedMessage)).Append("</p>");
        }

        if (model.Deleted)
        {
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(DeletedMessage)).Append("</p>");
        }

        if (model.SwitchedOn)
        {
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(SwitchedOnMessage)).Append("</p>");
        }

        if (model.Redelivered)
        {
            body.Append("<p class=\"notice\" role=\"status\">").Append(E(RedeliveredMessage)).Append("</p>");
        }

        AppendSubscriptions(body, model.Subscriptions, antiforgeryFieldName, antiforgeryToken);
        AppendDeliveries(body, model, antiforgeryFieldName, antiforgeryToken);
        AppendAddForm(body, model, eventTypes, antiforgeryFieldName, antiforgeryToken);
        return Layout("Webhooks", body.ToString(), SignOut(antiforgeryFieldName, antiforgeryToken));
    }

    private static void AppendSubscriptions(StringBuilder body, IReadOnlyList<WebhookResponse> subscriptions, string antiforgeryFieldName, string antiforgeryToken)
    {
        body.Append("<section class=\"card\" aria-labelledby=\"webhooks-title\"><h2 id=\"webhooks-title\">Your webhooks</h2>");
        body.Append("<p class=\"muted\">").Append(E(Explained)).Append("</p>");
        if (subscriptions.Count == 0)
        {
            body.Append("<p>").Append(E(NoWebhooksMessage)).Append("</p></section>");
            return;
        }

        body.Append("<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">Your webhooks: URL, events, state, signing secret</caption>");
        body.Append("<thead><tr><th scope=\"col\">URL</th><th scope=\"col\" class=\"text\">Events</th><th scope=\"col\">State</th><th scope=\"col\">Added</th>")
            .Append("<th scope=\"col\" class=\"text\">Signing secret</th>")
            .Append("<th scope=\"col\"><span class=\"visually-hidden\">Rotate secret, delete</span></th></tr></thead><tbody>");
        foreach (var subscription in subscriptions)
        {
            body.Append("<tr><th scope=\"row\" class=\"url\">").Append(E(subscription.Url)).Append("</th>");
            body.Append("<td class=\"text\">").Append(E(string.Join(", ", subscription.EventTypes.Select(type => type == WebhookEventTypes.All ? "all open to you" : type)))).Append("</td>");
            body.Append("<td>").Append(E(State(subscription)));
            if (!subscription.Active)
            {
                body.Append("<form method=\"post\" action=\"").Append(Path).Append('/').Append(subscription.Id).Append("/switch-on\">");
                body.Append("<input type=\"hidden\" name=\"").Append(E(antiforgeryFieldName)).Append("\" value=\"").Append(E(antiforgeryToken)).Append("\">");
                body.Append("<button type=\"submit\" class=\"link-button\">Switch on<span class=\"visually-hidden\"> the webhook to ")
                    .Append(E(subscription.Url)).Append("</span></button></form>");
            }

            body.Append("</td>");
            body.Append("<td class=\"nowrap\">").Append(E(Date(subscription.CreatedAt))).Append("</td>");
            body.Append("<td class=\"text secret-state\">").Append(E(SecretState(subscription))).Append("</td>");
            body.Append("<td class=\"nowrap\"><form method=\"post\" action=\"").Append(Path).Append('/').Append(subscription.Id).Append("/secret\">");
            body.Append("<input type=\"hidden\" name=\"").Append(E(antiforgeryFieldName)).Append("\" value=\"").Append(E(antiforgeryToken)).Append("\">");
            // A new key per rendering: sending this very form again (a reload) answers the same secret, not a third one.
            body.Append("<input type=\"hidden\" name=\"idempotencyKey\" value=\"").Append(Guid.NewGuid()).Append("\">");
            body.Append("<button type=\"submit\" class=\"link-button\">Rotate secret<span class=\"visually-hidden\"> of the webhook to ")
                .Append(E(subscription.Url)).Append("</span></button></form>");
            body.Append("<form method=\"post\" action=\"").Append(Path).Append('/').Append(subscription.Id).Append("/delete\">");
            body.Append("<input type=\"hidden\" name=\"").Append(E(antiforgeryFieldName)).Append("\" value=\"").Append(E(antiforgeryToken)).Append("\">");
            body.Append("<button type=\"submit\" class=\"link-button\">Delete<span class=\"visually-hidden\"> the webhook to ")
                .Append(E(subscription.Url)).Append("</span></button></form></td></tr>");
        }

        body.Append("</tbody></table></div></section>");
    }

    private static void AppendDeliveries(StringBuilder body, WebhooksPageModel model, string antiforgeryFieldName, string antiforgeryToken)
    {
        body.Append("<section class=\"card\" aria-labelledby=\"deliveries-title\"><h2 id=\"deliveries-title\">Recent deliveries</h2>");
        if (model.DeliveriesError is { } error)
        {
            body.Append("<div class=\"alert\" role=\"alert\">").Append(E(error)).Append(" <a href=\"").Append(Path).Append("\">Newest deliveries</a></div></section>");
            return;
        }

        var deliveries = model.Deliveries ?? [];
        if (deliveries.Count == 0)
        {
            body.Append("<p>").Append(E(NoDeliveriesMessage)).Append("</p></section>");
            return;
        }

        body.Append("<div class=\"table-wrap\"><table id=\"deliveries\"><caption class=\"visually-hidden\">Deliveries of your webhooks, newest first</caption>");
        body.Append("<thead><tr><th scope=\"col\">Webhook</th><th scope=\"col\">Status</th><th scope=\"col\" class=\"text\">Event</th>")
            .Append("<th scope=\"col\">Attempts</th><th scope=\"col\">Last attempt</th><th scope=\"col\">Response</th>")
            .Append("<th scope=\"col\"><span class=\"visually-hidden\">Redeliver</span></th></tr></thead><tbody>");
        foreach (var (subscriptionId, url, delivery) in deliveries)
        {
            body.Append("<tr data-delivery=\"").Append(delivery.Id).Append("\"><td class=\"url\">").Append(E(url)).Append("</td>");
            body.Append("<td class=\"status\">").Append(E(delivery.Status)).Append("</td>");
            body.Append("<td class=\"text\">").Append(E(delivery.EventType)).Append("</td>");
            body.Append("<td class=\"attempts\">").Append(delivery.Attempts.ToString(CultureInfo.InvariantCulture)).Append("</td>");
            body.Append("<td class=\"nowrap last-attempt\">").Append(delivery.LastAttemptAt is { } at ? E(Time(at)) : "—").Append("</td>");
            body.Append("<td class=\"response\">").Append(E(delivery.LastStatusCode?.ToString(CultureInfo.InvariantCulture) ?? delivery.LastError ?? "—")).Append("</td>");
            body.Append("<td><form method=\"post\" action=\"").Append(Path).Append('/').Append(subscriptionId).Append("/deliveries/").Append(delivery.Id).Append("/redelivery\">");
            body.Append("<input type=\"hidden\" name=\"").Append(E(antiforgeryFieldName)).Append("\" value=\"").Append(E(antiforgeryToken)).Append("\">");
            body.Append("<button type=\"submit\" class=\"link-button\">Redeliver<span class=\"visually-hidden\"> the ")
                .Append(E(delivery.EventType)).Append(" delivery</span></button></form></td></tr>");
        }

        body.Append("</tbody></table></div>");
        if (model.OlderDeliveries is { } older)
        {
            body.Append("<p class=\"rates\"><a href=\"").Append(E($"{Path}?deliveriesAfter={Uri.EscapeDataString(older)}")).Append("\">Older deliveries</a></p>");
        }

        body.Append("</section>");
    }

    private static void AppendAddForm(
        StringBuilder body, WebhooksPageModel model, IReadOnlyList<string> eventTypes, string antiforgeryFieldName, string antiforgeryToken)
    {
        body.Append("<section class=\"card\" aria-labelledby=\"add-title\"><h2 id=\"add-title\">Add a webhook</h2>");
        if (model.Errors is { } errors)
        {
            body.Append("<div class=\"alert\" role=\"alert\" id=\"add-error\"><ul>");
            foreach (var (field, message) in errors)
            {
                body.Append("<li>").Append(field is null ? "" : E(FieldLabel(field) + ": ")).Append(E(message)).Append("</li>");
            }

            body.Append("</ul></div>");
        }

        var described = model.Errors is null ? "" : " aria-describedby=\"add-error\"";
        var chosen = model.Chosen ?? [];
        body.Append("<form method=\"post\" action=\"").Append(Path).Append("\">");
        body.Append("<input type=\"hidden\" name=\"").Append(E(antiforgeryFieldName)).Append("\" value=\"").Append(E(antiforgeryToken)).Append("\">");
        // A new key per rendering: sending this very form again is recognized and creates nothing twice.
        body.Append("<input type=\"hidden\" name=\"idempotencyKey\" value=\"").Append(Guid.NewGuid()).Append("\">");
        body.Append("<label for=\"url\">Your endpoint (https)</label>");
        body.Append("<input id=\"url\" name=\"url\" type=\"url\" required maxlength=\"").Append(WebhookRules.MaxUrlLength.ToString(CultureInfo.InvariantCulture))
            .Append("\" placeholder=\"https://\" value=\"").Append(E(model.Url ?? "")).Append('"').Append(described).Append('>');
        body.Append("<fieldset").Append(described).Append("><legend>Events</legend>");
        Choice(body, WebhookEventTypes.All, "Every kind below, and new ones as they come", chosen);
        foreach (var type in eventTypes)
        {
            Choice(body, type, type, chosen);
        }

        body.Append("</fieldset><button type=\"submit\">Add webhook</button></form>");
        body.Append("<p class=\"muted rates\">").Append(E($"At most {WebhookRules.MaxSubscriptionsPerOwner} webhooks. Failed deliveries are retried for a while; a webhook that keeps failing is switched off."))
            .Append("</p></section>");
    }

    private static void Choice(StringBuilder body, string value, string label, IReadOnlyList<string> chosen) =>
        body.Append("<label class=\"choice\"><input type=\"checkbox\" name=\"eventTypes\" value=\"").Append(E(value)).Append('"')
            .Append(chosen.Contains(value) ? " checked" : "").Append('>').Append(E(label)).Append("</label>");

    private static string State(WebhookResponse subscription) => subscription switch
    {
        { Active: true } => "Active",
        { DisabledAt: { } disabled } => $"Switched off after repeated failures on {Date(disabled)}",
        _ => "Switched off",
    };

    /// <summary>When the secret was last rotated, and while the previous one still signs, until when (so a receiver knows to accept it).</summary>
    private static string SecretState(WebhookResponse subscription) => subscription switch
    {
        { SecretRotatedAt: { } rotated, PreviousSecretExpiresAt: { } expires } => $"Secret rotated {Time(rotated)}; the previous secret also signs until {Time(expires)}.",
        { SecretRotatedAt: { } rotated } => $"Secret rotated {Time(rotated)}.",
        { PreviousSecretExpiresAt: { } expires } => $"Secret rotated; the previous secret also signs until {Time(expires)}.",
        _ => NeverRotatedMessage,
    };

    private static string FieldLabel(string field) => field switch
    {
        "url" => "URL",
        "eventTypes" => "Events",
        _ => field,
    };

    private static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
