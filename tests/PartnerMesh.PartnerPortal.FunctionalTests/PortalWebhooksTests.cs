using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.PartnerPortal.Api.Webhooks;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// A signed-in partner manages its own webhook subscriptions in the portal (no API key is a partner's): the BFF calls
/// under <c>/portal/api/webhooks</c> and the Webhooks page. The owner is always the session's partner, the partner rules
/// apply, and changes need a portal page's antiforgery token.
/// </summary>
public sealed partial class PortalWebhooksTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>, IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Create_WithSession_SubscribesTheSessionsPartner_WhichGetsItsEventsSigned()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await CreateAsync(partner, ["attribution.conversion-attributed"]);

        var created = await response.ShouldBeAsync<CreatedWebhookResponse>(HttpStatusCode.Created);
        Assert.Equal(partner.PartnerId, created.Webhook.PartnerId);
        Assert.Equal($"/portal/api/webhooks/{created.Webhook.Id}", response.Headers.Location?.OriginalString);
        var stored = await factory.QueryDbAsync(db => db.WebhookSubscriptions.AsNoTracking().SingleAsync(subscription => subscription.Id == created.Webhook.Id, Ct));
        Assert.Equal((partner.PartnerId, $"portal-user:{partner.AccountId}"), (stored.PartnerId, stored.CreatedBy));

        var mine = WebhookTests.Conversion(partner.PartnerId);
        await factory.PublishAsync(WebhookTests.Conversion(Guid.NewGuid())); // another partner's
        await factory.PublishAsync(mine);

        var delivery = await Eventually.GetAsync(() => Task.FromResult(_receiver.Received.FirstOrDefault()), because: "the partner's conversion is delivered");
        Assert.Equal(mine.EventId.ToString(), delivery.EventId);
        Assert.True(WebhookTests.SignatureHolds(created.Secret, delivery.Signature, delivery.Body), delivery.Signature);
    }

    [Fact]
    public async Task DeliveryLogAndRedelivery_OfTheSessionsPartnersOwnSubscriptionsOnly()
    {
        var first = await factory.SignInNewPartnerAsync("First Partner");
        var second = await factory.SignInNewPartnerAsync("Second Partner");
        var id = (await (await CreateAsync(first, ["attribution.conversion-attributed"])).ShouldBeAsync<CreatedWebhookResponse>(HttpStatusCode.Created)).Webhook.Id;
        var conversion = WebhookTests.Conversion(first.PartnerId);
        await factory.PublishAsync(conversion);
        // The receiver's 200 reaches the log once the dispatcher has recorded it.
        await Eventually.UntilAsync(async () => (await (await first.Browser.GetAsync($"/portal/api/webhooks/{id}/deliveries?status=delivered"))
            .ShouldBeAsync<DeliveryPage>(HttpStatusCode.OK)).Items.Count == 1);

        var log = await (await first.Browser.GetAsync($"/portal/api/webhooks/{id}/deliveries")).ShouldBeAsync<DeliveryPage>(HttpStatusCode.OK);
        var delivery = Assert.Single(log.Items);
        Assert.Equal((conversion.EventId, "attribution.conversion-attributed", DeliveryStatuses.Delivered), (delivery.EventId, delivery.EventType, delivery.Status));
        var redeliveryPath = $"/portal/api/webhooks/{id}/deliveries/{delivery.Id}/redelivery";
        var othersLog = await second.Browser.GetAsync($"/portal/api/webhooks/{id}/deliveries");
        var othersRedelivery = await second.Browser.SendWithPageTokenAsync(new HttpRequestMessage(HttpMethod.Post, redeliveryPath));
        var withoutToken = await first.Browser.Http.PostAsync(redeliveryPath, null, Ct);
        var badStatus = await first.Browser.GetAsync($"/portal/api/webhooks/{id}/deliveries?status=lost");
        var redelivery = await first.Browser.SendWithPageTokenAsync(new HttpRequestMessage(HttpMethod.Post, redeliveryPath));

        await othersLog.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await othersRedelivery.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("Antiforgery token missing", (await withoutToken.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).Title);
        await badStatus.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(delivery.Id, (await redelivery.ShouldBeAsync<DeliveryResponse>(HttpStatusCode.Accepted)).Id);
        await Eventually.UntilAsync(() => Task.FromResult(_receiver.Received.Count(received => received.EventId == conversion.EventId.ToString()) == 2));
    }

    [Fact]
    public async Task ListGetAndDelete_SeeOnlyTheSessionsPartnersSubscriptions()
    {
        var first = await factory.SignInNewPartnerAsync("First Partner");
        var second = await factory.SignInNewPartnerAsync("Second Partner");
        var id = (await (await CreateAsync(first, ["attribution.commission-booked"])).ShouldBeAsync<CreatedWebhookResponse>(HttpStatusCode.Created)).Webhook.Id;

        var listed = await (await first.Browser.GetAsync("/portal/api/webhooks")).ShouldBeAsync<PageResponse<WebhookResponse>>(HttpStatusCode.OK);
        var own = await (await first.Browser.GetAsync($"/portal/api/webhooks/{id}")).ShouldBeAsync<WebhookResponse>(HttpStatusCode.OK);

        Assert.Equal([id], listed.Items.Select(subscription => subscription.Id));
        Assert.Null(listed.NextCursor);
        Assert.Equal(["attribution.commission-booked"], own.EventTypes);
        Assert.Empty((await (await second.Browser.GetAsync("/portal/api/webhooks")).ShouldBeAsync<PageResponse<WebhookResponse>>(HttpStatusCode.OK)).Items);
        await (await second.Browser.GetAsync($"/portal/api/webhooks/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await second.Browser.SendWithPageTokenAsync(new HttpRequestMessage(HttpMethod.Delete, $"/portal/api/webhooks/{id}")))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound);
        // Neither is it one of the tools' subscriptions that admins manage.
        var tools = await (await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).GetAsync("/api/portal/webhooks", Ct))
            .ShouldBeAsync<PageResponse<WebhookResponse>>(HttpStatusCode.OK);
        Assert.DoesNotContain(tools.Items, tool => tool.Id == id);

        Assert.Equal(HttpStatusCode.NoContent, (await first.Browser.SendWithPageTokenAsync(new HttpRequestMessage(HttpMethod.Delete, $"/portal/api/webhooks/{id}"))).StatusCode);
        Assert.Empty((await (await first.Browser.GetAsync("/portal/api/webhooks")).ShouldBeAsync<PageResponse<WebhookResponse>>(HttpStatusCode.OK)).Items);
    }

    [Fact]
    public async Task EventTypes_AreThePartnerSafeOnes()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var types = await (await partner.Browser.GetAsync("/portal/api/webhooks/event-types")).ShouldBeAsync<List<string>>(HttpStatusCode.OK);

        Assert.Equal(WebhookEventTypes.PartnerNames.Order(StringComparer.Ordinal), types);
        Assert.Contains("attribution.conversion-attributed", types);
        Assert.DoesNotContain(types, type => type.StartsWith("surveys.", StringComparison.Ordinal));
        Assert.DoesNotContain("attribution.click-recorded", types);
    }

    [Theory]
    [InlineData("surveys.survey-response-submitted", "survey")]
    [InlineData("attribution.click-recorded", "visitorId")]
    public async Task Create_AShopperLevelEventType_Returns400NamingWhy_AndStoresNothing(string eventType, string why)
    {
        var partner = await factory.SignInNewPartnerAsync();

        var problem = await (await CreateAsync(partner, ["attribution.conversion-attributed", eventType])).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        var errors = problem.Extensions["errors"]!.ToString()!;
        Assert.Contains($"'{eventType}'", errors, StringComparison.Ordinal);
        Assert.Contains(why, errors, StringComparison.Ordinal);
        Assert.False(await factory.QueryDbAsync(db => db.WebhookSubscriptions.AnyAsync(subscription => subscription.PartnerId == partner.PartnerId, Ct)));
    }

    [Fact]
    public async Task Create_WithAnIdempotencyKey_Twice_CreatesOnce_AndTheRetryHasNoSecret()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var key = Guid.NewGuid().ToString();

        var first = await (await CreateAsync(partner, ["*"], key)).ShouldBeAsync<CreatedWebhookResponse>(HttpStatusCode.Created);
        var retry = await CreateAsync(partner, ["*"], key);

        Assert.Equal(first.Webhook.Id, (await retry.ShouldBeAsync<WebhookResponse>(HttpStatusCode.OK)).Id);
        Assert.DoesNotContain(first.Secret, await retry.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(1, await factory.QueryDbAsync(db => db.WebhookSubscriptions.CountAsync(subscription => subscription.PartnerId == partner.PartnerId, Ct)));
    }

    [Fact]
    public async Task CreateAndDelete_WithoutAPagesAntiforgeryToken_Are400AndChangeNothing()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var id = (await (await CreateAsync(partner, ["attribution.commission-paid"])).ShouldBeAsync<CreatedWebhookResponse>(HttpStatusCode.Created)).Webhook.Id;

        var create = await partner.Browser.Http.PostAsJsonAsync("/portal/api/webhooks", Body(["*"]), Ct);
        var delete = await partner.Browser.Http.DeleteAsync($"/portal/api/webhooks/{id}", Ct);

        await create.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await delete.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([id], await factory.QueryDbAsync(db => db.WebhookSubscriptions.Where(subscription => subscription.PartnerId == partner.PartnerId)
            .Select(subscription => subscription.Id).ToListAsync(Ct)));
    }

    [Fact]
    public async Task Create_WithAnotherSessionsToken_Is400TokenInvalid_AndWithoutOne_Is400TokenMissing()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var other = await factory.SignInNewPartnerAsync();
        var othersToken = PortalBrowser.FormToken(await other.Browser.GetPageAsync("/portal/webhooks"));

        using var withOthersToken = new HttpRequestMessage(HttpMethod.Post, "/portal/api/webhooks") { Content = JsonContent.Create(Body(["*"])) };
        withOthersToken.Headers.Add("RequestVerificationToken", othersToken);
        var invalid = await partner.Browser.Http.SendAsync(withOthersToken, Ct);
        var missing = await partner.Browser.Http.PostAsJsonAsync("/portal/api/webhooks", Body(["*"]), Ct);

        var invalidProblem = await invalid.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("Antiforgery token invalid", invalidProblem.Title);
        Assert.Contains("another session", invalidProblem.Detail, StringComparison.Ordinal);
        Assert.Equal("Antiforgery token missing", (await missing.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).Title);
        Assert.Equal(0, await factory.QueryDbAsync(db => db.WebhookSubscriptions.CountAsync(subscription => subscription.PartnerId == partner.PartnerId, Ct)));
    }

    [Fact]
    public async Task Create_WithTheTokenOfAnEndedSession_InTheAccountsNextSession_Is400TokenInvalid()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var endedSessionsToken = PortalBrowser.FormToken(await partner.Browser.GetPageAsync("/portal/webhooks"));
        Assert.Equal(HttpStatusCode.Redirect, (await partner.Browser.SignOutAsync()).StatusCode);
        await partner.Browser.SignInSuccessfullyAsync(partner.Email, AdminApi.StrongPassword); // same browser, same antiforgery cookie

        using var withEndedSessionsToken = new HttpRequestMessage(HttpMethod.Post, "/portal/api/webhooks") { Content = JsonContent.Create(Body(["*"])) };
        withEndedSessionsToken.Headers.Add("RequestVerificationToken", endedSessionsToken);
        var refused = await partner.Browser.Http.SendAsync(withEndedSessionsToken, Ct);

        Assert.Equal("Antiforgery token invalid", (await refused.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).Title);
        Assert.Equal(0, await factory.QueryDbAsync(db => db.WebhookSubscriptions.CountAsync(subscription => subscription.PartnerId == partner.PartnerId, Ct)));
        // This session's own page token still works.
        using var withOwnToken = new HttpRequestMessage(HttpMethod.Post, "/portal/api/webhooks") { Content = JsonContent.Create(Body(["*"])) };
        Assert.Equal(HttpStatusCode.Created, (await partner.Browser.SendWithPageTokenAsync(withOwnToken)).StatusCode);
    }

    [Theory]
    [InlineData("GET", "/portal/api/webhooks")]
    [InlineData("GET", "/portal/api/webhooks/event-types")]
    [InlineData("POST", "/portal/api/webhooks")]
    [InlineData("DELETE", "/portal/api/webhooks/0196c9a0-0000-7000-8000-000000000001")]
    public async Task Call_WithoutSession_Returns401(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? JsonContent.Create(Body(["*"])) : null };

        var response = await new PortalBrowser(factory).Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Page_ListsTheFormWithThePartnerSafeEventTypes_AndAddingShowsTheSecretOnce()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var page = await partner.Browser.GetPageAsync(WebhooksPage.Path);

        Assert.Contains(WebhooksPage.NoWebhooksMessage, page, StringComparison.Ordinal);
        Assert.Contains("<input type=\"checkbox\" name=\"eventTypes\" value=\"attribution.conversion-attributed\">", page, StringComparison.Ordinal);
        Assert.Contains("<input type=\"checkbox\" name=\"eventTypes\" value=\"*\">", page, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"surveys.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"attribution.click-recorded\"", page, StringComparison.Ordinal);

        var form = AddForm(page, _receiver.Url.ToString(), "attribution.conversion-attributed", "attribution.commission-booked");
        var added = await partner.Browser.PostFormFieldsAsync(WebhooksPage.Path, form);
        var html = await added.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var stored = await factory.QueryDbAsync(db => db.WebhookSubscriptions.AsNoTracking().SingleAsync(subscription => subscription.PartnerId == partner.PartnerId, Ct));
        Assert.Equal(["attribution.commission-booked", "attribution.conversion-attributed"], stored.EventTypes);
        var secret = SecretShown().Match(html).Groups[1].Value;
        Assert.Matches("^whsec_[A-Za-z0-9_-]{40,}$", secret);
        Assert.Contains(
            $"<tr><th scope=\"row\" class=\"url\">{_receiver.Url}</th><td class=\"text\">attribution.commission-booked, attribution.conversion-attributed</td><td>Active</td>",
            html,
            StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await partner.Browser.GetPageAsync(WebhooksPage.Path), StringComparison.Ordinal);

        // The same form sent again (a reload) creates nothing and shows no secret.
        var again = await partner.Browser.PostFormFieldsAsync(WebhooksPage.Path, form);
        var againHtml = System.Net.WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync(Ct));
        Assert.Contains(WebhooksPage.AlreadyCreatedMessage, againHtml, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, againHtml, StringComparison.Ordinal);
        Assert.Equal(1, await factory.QueryDbAsync(db => db.WebhookSubscriptions.CountAsync(subscription => subscription.PartnerId == partner.PartnerId, Ct)));
    }

    [Theory]
    [InlineData("http://example.com/hook", "attribution.conversion-attributed", "URL: Webhook URLs use https.")]
    [InlineData("https://10.0.0.5/hook", "attribution.conversion-attributed", "URL: Webhook URLs must point to a public host.")]
    [InlineData("https://partner.example/hook", null, "Events: " + WebhooksPage.ChooseEventsMessage)]
    [InlineData("https://partner.example/hook", "surveys.survey-shown", "Events: Partners cannot subscribe to 'surveys.survey-shown'")]
    public async Task Page_AddingARefusedWebhook_Is400WithTheReason_KeepsTheInput_AndStoresNothing(string url, string? eventType, string message)
    {
        var partner = await factory.SignInNewPartnerAsync();
        var page = await partner.Browser.GetPageAsync(WebhooksPage.Path);

        var response = await partner.Browser.PostFormFieldsAsync(WebhooksPage.Path, AddForm(page, url, eventType is null ? Array.Empty<string>() : [eventType]));
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<div class=\"alert\" role=\"alert\" id=\"add-error\"><ul><li>", html, StringComparison.Ordinal);
        Assert.Contains(message, System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains($"value=\"{url}\" aria-describedby=\"add-error\">", html, StringComparison.Ordinal);
        Assert.False(await factory.QueryDbAsync(db => db.WebhookSubscriptions.AnyAsync(subscription => subscription.PartnerId == partner.PartnerId, Ct)));
    }

    [Fact]
    public async Task Page_DeleteButton_DeletesTheSubscription_AndAnotherPartnersIsThePageNotFoundPage()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var other = await factory.SignInNewPartnerAsync("Someone Else");
        var id = (await (await CreateAsync(partner, ["attribution.commission-approved"])).ShouldBeAsync<CreatedWebhookResponse>(HttpStatusCode.Created)).Webhook.Id;
        var page = await partner.Browser.GetPageAsync(WebhooksPage.Path);
        Assert.Contains($"<form method=\"post\" action=\"/portal/webhooks/{id}/delete\">", page, StringComparison.Ordinal);

        var refused = await other.Browser.PostFormAsync($"/portal/webhooks/{id}/delete",
            new() { [PortalBrowser.TokenField] = PortalBrowser.FormToken(await other.Browser.GetPageAsync(WebhooksPage.Path)) });
        var unsigned = await partner.Browser.PostFormAsync($"/portal/webhooks/{id}/delete", []);
        var deleted = await partner.Browser.PostFormAsync($"/portal/webhooks/{id}/delete", new() { [PortalBrowser.TokenField] = PortalBrowser.FormToken(page) });

        Assert.Equal((HttpStatusCode.NotFound, "text/html"), (refused.StatusCode, refused.Content.Headers.ContentType?.MediaType));
        Assert.Contains("<h1 id=\"not-found-title\">Page not found</h1>", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.True(refused.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
        await unsigned.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal("/portal/webhooks?deleted=true", deleted.Headers.Location?.OriginalString);
        Assert.False(await factory.QueryDbAsync(db => db.WebhookSubscriptions.AnyAsync(subscription => subscription.Id == id, Ct)));
        Assert.Contains(WebhooksPage.DeletedMessage, await partner.Browser.GetPageAsync("/portal/webhooks?deleted=true"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_RecentDeliveries_ShowsThePartnersOwnNewestFirst_PagesOlder_AndRedeliversFromTheForm()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var other = await factory.SignInNewPartnerAsync("Someone Else");
        var id = (await (await CreateAsync(partner, ["attribution.conversion-attributed"])).ShouldBeAsync<CreatedWebhookResponse>(HttpStatusCode.Created)).Webhook.Id;
        var othersId = (await (await CreateAsync(other, ["attribution.conversion-attributed"])).ShouldBeAsync<CreatedWebhookResponse>(HttpStatusCode.Created)).Webhook.Id;
        var conversion = WebhookTests.Conversion(partner.PartnerId);
        await factory.PublishAsync(conversion);
        var sent = await Eventually.GetAsync(async () => (await (await partner.Browser.GetAsync($"/portal/api/webhooks/{id}/deliveries?status=delivered"))
            .ShouldBeAsync<DeliveryPage>(HttpStatusCode.OK)).Items.SingleOrDefault(), because: "the conversion is delivered");
        Assert.NotNull(sent.LastAttemptAt);
        // 21 more of the partner's (so 22: a page of 20 and an older one), every status, and one of another partner's.
        var statuses = new[] { DeliveryStatuses.Skipped, DeliveryStatuses.Failed, DeliveryStatuses.Delivered };
        var added = Enumerable.Range(0, 21).Select(index => Delivery(id, statuses[index % 3], index)).ToList();
        var othersDelivery = Delivery(othersId, DeliveryStatuses.Failed, 0);
        await factory.QueryDbAsync(db =>
        {
            db.WebhookDeliveries.AddRange([.. added, othersDelivery]);
            return db.SaveChangesAsync(Ct);
        });

        var page = await partner.Browser.GetPageAsync(WebhooksPage.Path);
        var rows = DeliveryRow().Matches(page);
        var older = OlderDeliveriesLink().Match(page);
        var olderPage = await partner.Browser.GetPageAsync(System.Net.WebUtility.HtmlDecode(older.Groups[1].Value));
        var olderRows = DeliveryRow().Matches(olderPage);

        Assert.Contains("<h2 id=\"deliveries-title\">Recent deliveries</h2>", page, StringComparison.Ordinal);
        var newestFirst = Enumerable.Reverse(added).Select(delivery => delivery.Id).Append(sent.Id).ToList();
        Assert.Equal(newestFirst[..20], rows.Select(row => Guid.Parse(row.Groups["id"].Value)));
        Assert.True(older.Success, "an Older deliveries link");
        Assert.Equal(newestFirst[20..], olderRows.Select(row => Guid.Parse(row.Groups["id"].Value)));
        Assert.DoesNotMatch(OlderDeliveriesLink(), olderPage);
        Assert.DoesNotContain(othersDelivery.Id.ToString(), page + olderPage, StringComparison.Ordinal);
        Assert.Contains(rows, row => row.Groups["status"].Value == DeliveryStatuses.Skipped);
        var failed = added.Last(delivery => delivery.Status == DeliveryStatuses.Failed);
        var failedRow = rows.Single(row => row.Groups["id"].Value == failed.Id.ToString());
        Assert.Equal(
            (_receiver.Url.ToString(), DeliveryStatuses.Failed, "attribution.conversion-attributed", "3", "2026-01-02 03:04:05 UTC", "503"),
            (failedRow.Groups["url"].Value, failedRow.Groups["status"].Value, failedRow.Groups["type"].Value, failedRow.Groups["attempts"].Value,
                failedRow.Groups["at"].Value, failedRow.Groups["response"].Value));
        var sentRow = olderRows.Single(row => row.Groups["id"].Value == sent.Id.ToString());
        Assert.Equal((DeliveryStatuses.Delivered, "1", "200"), (sentRow.Groups["status"].Value, sentRow.Groups["attempts"].Value, sentRow.Groups["response"].Value));
        Assert.Equal([othersDelivery.Id.ToString()], DeliveryRow().Matches(await other.Browser.GetPageAsync(WebhooksPage.Path)).Select(row => row.Groups["id"].Value));
        Assert.Equal(HttpStatusCode.BadRequest, (await other.Browser.GetAsync(WebhooksPage.Path + "?deliveriesAfter=nonsense")).StatusCode);

        var redeliveryPath = $"/portal/webhooks/{id}/deliveries/{failed.Id}/redelivery";
        Assert.Contains($"<form method=\"post\" action=\"{redeliveryPath}\">", page, StringComparison.Ordinal);
        var refused = await other.Browser.PostFormAsync(redeliveryPath,
            new() { [PortalBrowser.TokenField] = PortalBrowser.FormToken(await other.Browser.GetPageAsync(WebhooksPage.Path)) });
        var unsigned = await partner.Browser.PostFormAsync(redeliveryPath, []);
        var redelivered = await partner.Browser.PostFormAsync(redeliveryPath, new() { [PortalBrowser.TokenField] = PortalBrowser.FormToken(page) });

        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Contains("<h1 id=\"not-found-title\">Page not found</h1>", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await unsigned.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal((HttpStatusCode.Redirect, "/portal/webhooks?redelivered=true"), (redelivered.StatusCode, redelivered.Headers.Location?.OriginalString));
        Assert.Contains(WebhooksPage.RedeliveredMessage, await partner.Browser.GetPageAsync("/portal/webhooks?redelivered=true"), StringComparison.Ordinal);
        await Eventually.UntilAsync(() => Task.FromResult(_receiver.Received.Any(received => received.EventId == failed.EventId.ToString())),
            because: "the redelivered delivery goes out");
    }

    private static WebhookDelivery Delivery(Guid subscriptionId, string status, int index) => new()
    {
        // Ids in the order made (version 7 ids of one millisecond are not ordered).
        Id = Guid.CreateVersion7(DateTimeOffset.UtcNow.AddMilliseconds(index)), SubscriptionId = subscriptionId, EventId = Guid.CreateVersion7(),
        EventType = "attribution.conversion-attributed",
        Payload = "{}", Status = status, Attempts = status == DeliveryStatuses.Skipped ? 0 : 3, NextAttemptAt = DateTimeOffset.UtcNow.AddHours(1),
        LastStatusCode = status == DeliveryStatuses.Skipped ? null : 503, LastError = status == DeliveryStatuses.Skipped ? "not sent: the partner is suspended" : "HTTP 503",
        LastAttemptAt = status == DeliveryStatuses.Skipped ? null : new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        CreatedAt = DateTimeOffset.UtcNow.AddMinutes(index),
    };

    [Fact]
    public async Task SwitchedOffForFailing_TheBffCallSwitchesItOn_AndAnotherPartnersIs404()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var other = await factory.SignInNewPartnerAsync("Someone Else");
        var id = await CreateSwitchedOffForFailingAsync(partner);

        var refused = await other.Browser.SendWithPageTokenAsync(SwitchOn(id));
        var unsigned = await partner.Browser.Http.SendAsync(SwitchOn(id), Ct);
        var switchedOn = await (await partner.Browser.SendWithPageTokenAsync(SwitchOn(id))).ShouldBeAsync<WebhookResponse>(HttpStatusCode.OK);

        await refused.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await unsigned.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(switchedOn.Active);
        Assert.Null(switchedOn.DisabledAt);
        var stored = await factory.QueryDbAsync(db => db.WebhookSubscriptions.AsNoTracking().SingleAsync(subscription => subscription.Id == id, Ct));
        Assert.Equal((true, null, 0), (stored.Active, stored.DisabledAt, stored.ConsecutiveFailures));
    }

    [Fact]
    public async Task Page_SwitchOnButton_OnASubscriptionSwitchedOffForFailing_SwitchesItOn()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var other = await factory.SignInNewPartnerAsync("Someone Else");
        var id = await CreateSwitchedOffForFailingAsync(partner);
        var page = await partner.Browser.GetPageAsync(WebhooksPage.Path);
        Assert.Contains($"<form method=\"post\" action=\"/portal/webhooks/{id}/switch-on\">", page, StringComparison.Ordinal);

        var refused = await other.Browser.PostFormAsync($"/portal/webhooks/{id}/switch-on",
            new() { [PortalBrowser.TokenField] = PortalBrowser.FormToken(await other.Browser.GetPageAsync(WebhooksPage.Path)) });
        var switchedOn = await partner.Browser.PostFormAsync($"/portal/webhooks/{id}/switch-on", new() { [PortalBrowser.TokenField] = PortalBrowser.FormToken(page) });

        Assert.Equal((HttpStatusCode.NotFound, "text/html"), (refused.StatusCode, refused.Content.Headers.ContentType?.MediaType));
        Assert.Equal(HttpStatusCode.Redirect, switchedOn.StatusCode);
        Assert.Equal("/portal/webhooks?switchedOn=true", switchedOn.Headers.Location?.OriginalString);
        Assert.True(await factory.QueryDbAsync(db => db.WebhookSubscriptions.Where(subscription => subscription.Id == id).Select(subscription => subscription.Active).SingleAsync(Ct)));
        var after = await partner.Browser.GetPageAsync("/portal/webhooks?switchedOn=true");
        Assert.Contains(WebhooksPage.SwitchedOnMessage, after, StringComparison.Ordinal);
        Assert.DoesNotContain($"/portal/webhooks/{id}/switch-on", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateSecret_WithSession_AnswersANewSecret_ARetryWithTheKeyTheSameOne_AndAnotherPartnersIs404AsAnUnknownOne()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var other = await factory.SignInNewPartnerAsync("Someone Else");
        var created = await (await CreateAsync(partner, ["attribution.conversion-attributed"])).ShouldBeAsync<CreatedWebhookResponse>(HttpStatusCode.Created);
        var id = created.Webhook.Id;
        var key = Guid.NewGuid().ToString();

        var refused = await other.Browser.SendWithPageTokenAsync(RotateSecret(id, null));
        var unknownId = Guid.CreateVersion7();
        var unknown = await other.Browser.SendWithPageTokenAsync(RotateSecret(unknownId, null));
        var unsigned = await partner.Browser.Http.SendAsync(RotateSecret(id, key), Ct);
        var byAdmin = await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).PostAsync($"/api/portal/webhooks/{id}/secret", null, Ct);
        var rotated = await (await partner.Browser.SendWithPageTokenAsync(RotateSecret(id, key))).ShouldBeAsync<RotatedSecretResponse>(HttpStatusCode.OK);
        var retry = await (await partner.Browser.SendWithPageTokenAsync(RotateSecret(id, key))).ShouldBeAsync<RotatedSecretResponse>(HttpStatusCode.OK);

        var refusedProblem = await refused.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        var unknownProblem = await unknown.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal((unknownProblem.Title, unknownProblem.Detail?.Replace(unknownId.ToString(), "?", StringComparison.Ordinal)),
            (refusedProblem.Title, refusedProblem.Detail?.Replace(id.ToString(), "?", StringComparison.Ordinal)));
        Assert.Equal("Antiforgery token missing", (await unsigned.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).Title);
        await byAdmin.ShouldBeProblemAsync(HttpStatusCode.NotFound); // admins own only the tools' subscriptions
        Assert.Equal((id, partner.PartnerId), (rotated.Webhook.Id, rotated.Webhook.PartnerId));
        Assert.NotEqual(created.Secret, rotated.Secret);
        Assert.Equal((rotated.Secret, rotated.PreviousSecretExpiresAt), (retry.Secret, retry.PreviousSecretExpiresAt));
        Assert.InRange(rotated.PreviousSecretExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
        var read = await (await partner.Browser.GetAsync($"/portal/api/webhooks/{id}")).Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(rotated.Secret, read, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Secret, read, StringComparison.Ordinal);

        // Its events now come signed with the new secret and the previous one.
        var conversion = WebhookTests.Conversion(partner.PartnerId);
        await factory.PublishAsync(conversion);
        var delivery = await Eventually.GetAsync(() => Task.FromResult(_receiver.Received.FirstOrDefault(received => received.EventId == conversion.EventId.ToString())),
            because: "the partner's conversion is delivered");
        Assert.True(WebhookSignature.Verify(rotated.Secret, delivery.Signature, delivery.Body, DateTimeOffset.UtcNow), delivery.Signature);
        Assert.True(WebhookSignature.Verify(created.Secret, delivery.Signature, delivery.Body, DateTimeOffset.UtcNow), delivery.Signature);
    }

    [Fact]
    public async Task Page_RotateSecretButton_ShowsTheNewSecretOnce_AReloadTheSameOne_AndAnotherPartnersIsThePageNotFoundPage()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var other = await factory.SignInNewPartnerAsync("Someone Else");
        var created = await (await CreateAsync(partner, ["attribution.commission-approved"])).ShouldBeAsync<CreatedWebhookResponse>(HttpStatusCode.Created);
        var id = created.Webhook.Id;
        var page = await partner.Browser.GetPageAsync(WebhooksPage.Path);
        var path = $"/portal/webhooks/{id}/secret";
        var form = Regex.Match(page, $"<form method=\"post\" action=\"{path}\"><input type=\"hidden\" name=\"{PortalBrowser.TokenField}\" value=\"[^\"]+\"><input type=\"hidden\" name=\"idempotencyKey\" value=\"([^\"]+)\">");
        Assert.True(form.Success, "a Rotate secret form with an antiforgery field and an idempotency key");
        var fields = new Dictionary<string, string> { [PortalBrowser.TokenField] = PortalBrowser.FormToken(page), ["idempotencyKey"] = form.Groups[1].Value };

        var refused = await other.Browser.PostFormAsync(path,
            new() { [PortalBrowser.TokenField] = PortalBrowser.FormToken(await other.Browser.GetPageAsync(WebhooksPage.Path)), ["idempotencyKey"] = form.Groups[1].Value });
        var unsigned = await partner.Browser.PostFormAsync(path, new() { ["idempotencyKey"] = form.Groups[1].Value });
        var rotated = await partner.Browser.PostFormAsync(path, fields);
        var html = await rotated.Content.ReadAsStringAsync(Ct);
        var reloaded = await (await partner.Browser.PostFormAsync(path, fields)).Content.ReadAsStringAsync(Ct);

        Assert.Equal((HttpStatusCode.NotFound, "text/html"), (refused.StatusCode, refused.Content.Headers.ContentType?.MediaType));
        Assert.Contains("<h1 id=\"not-found-title\">Page not found</h1>", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await unsigned.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.Contains("<h2 id=\"rotated-title\">Secret rotated</h2>", html, StringComparison.Ordinal);
        Assert.Contains(WebhooksPage.RotatedMessage, System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Matches("<time id=\"previous-secret-expires\" datetime=\"[^\"]+\">\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC</time>", html);
        var secret = SecretShown().Match(html).Groups[1].Value;
        Assert.Matches("^whsec_[A-Za-z0-9_-]{40,}$", secret);
        Assert.NotEqual(created.Secret, secret);
        Assert.Equal(secret, SecretShown().Match(reloaded).Groups[1].Value); // the same form again rotates nothing more
        Assert.DoesNotContain(secret, await partner.Browser.GetPageAsync(WebhooksPage.Path), StringComparison.Ordinal);
        var stored = await factory.QueryDbAsync(db => db.WebhookSubscriptions.AsNoTracking().SingleAsync(subscription => subscription.Id == id, Ct));
        Assert.NotNull(stored.PreviousProtectedSecret);
        Assert.Equal(form.Groups[1].Value, stored.SecretRotationKey);
    }

    [Fact]
    public async Task Page_HasThePortalsSecurityHeaders_AndWithoutSessionRedirectsToSignIn()
    {
        var partner = await factory.SignInNewPartnerAsync();

        var response = await partner.Browser.GetAsync(WebhooksPage.Path);
        var anonymous = await new PortalBrowser(factory).GetAsync(WebhooksPage.Path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/portal/login", anonymous.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> CreateAsync(SignedInPartner partner, string[] eventTypes, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/portal/api/webhooks") { Content = JsonContent.Create(Body(eventTypes)) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return partner.Browser.SendWithPageTokenAsync(request);
    }

    /// <summary>A subscription of the partner's, switched off as the dispatcher does after it kept failing.</summary>
    private async Task<Guid> CreateSwitchedOffForFailingAsync(SignedInPartner partner)
    {
        var id = (await (await CreateAsync(partner, ["attribution.commission-approved"])).ShouldBeAsync<CreatedWebhookResponse>(HttpStatusCode.Created)).Webhook.Id;
        await factory.QueryDbAsync(db => db.WebhookSubscriptions.Where(subscription => subscription.Id == id).ExecuteUpdateAsync(set => set
            .SetProperty(subscription => subscription.Active, false)
            .SetProperty(subscription => subscription.DisabledAt, DateTimeOffset.UtcNow)
            .SetProperty(subscription => subscription.ConsecutiveFailures, 10), Ct));
        return id;
    }

    private static HttpRequestMessage RotateSecret(Guid id, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/portal/api/webhooks/{id}/secret");
        if (idempotencyKey is not null)
        {
            request.Headers.Add(IdempotencyKeys.Header, idempotencyKey);
        }

        return request;
    }

    private static HttpRequestMessage SwitchOn(Guid id) =>
        new(HttpMethod.Put, $"/portal/api/webhooks/{id}") { Content = JsonContent.Create(new JsonObject { ["active"] = true }) };

    private JsonObject Body(string[] eventTypes) =>
        new() { ["url"] = _receiver.Url.ToString(), ["eventTypes"] = new JsonArray([.. eventTypes.Select(type => (JsonNode)type)]) };

    /// <summary>The page's add form filled in: its antiforgery token and idempotency key, the URL and the chosen events.</summary>
    private static List<KeyValuePair<string, string>> AddForm(string page, string url, params string[] eventTypes) =>
    [
        new(PortalBrowser.TokenField, PortalBrowser.FormToken(page)),
        new("idempotencyKey", IdempotencyField().Match(page).Groups[1].Value),
        new("url", url),
        .. eventTypes.Select(type => new KeyValuePair<string, string>("eventTypes", type)),
    ];

    [GeneratedRegex("<tr data-delivery=\"(?<id>[^\"]+)\"><td class=\"url\">(?<url>[^<]*)</td><td class=\"status\">(?<status>[^<]*)</td><td class=\"text\">(?<type>[^<]*)</td><td class=\"attempts\">(?<attempts>[^<]*)</td><td class=\"nowrap last-attempt\">(?<at>[^<]*)</td><td class=\"response\">(?<response>[^<]*)</td>")]
    private static partial Regex DeliveryRow();

    [GeneratedRegex("<a href=\"([^\"]+)\">Older deliveries</a>")]
    private static partial Regex OlderDeliveriesLink();

    [GeneratedRegex("name=\"idempotencyKey\" value=\"([^\"]+)\"")]
    private static partial Regex IdempotencyField();

    [GeneratedRegex("<span class=\"secret\" id=\"webhook-secret\">([^<]+)</span>")]
    private static partial Regex SecretShown();
}
