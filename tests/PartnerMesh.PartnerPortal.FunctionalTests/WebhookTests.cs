using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PartnerMesh.PartnerPortal.Api.Webhooks;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Contracts.Analytics;
using PartnerMesh.Contracts.Coupons;
using PartnerMesh.Contracts.Promotions;
using PartnerMesh.Contracts.Surveys;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// Webhooks with real PostgreSQL and RabbitMQ and a receiver on loopback: events crossing the broker are delivered signed
/// (HMAC-SHA256 over timestamp and body, checked here independently of the service's code), partners get only events
/// about themselves, failures retry until they succeed, and bad subscriptions are refused.
/// </summary>
public sealed class WebhookTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>, IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task PartnerSubscription_GetsItsOwnConversions_Signed_AndNotOtherPartners()
    {
        var partner = Guid.NewGuid();
        using var client = factory.CreatePartnerClient(partner);
        var (_, secret) = await SubscribeAsync(client, ["attribution.conversion-attributed"]);
        var mine = Conversion(partner);

        await factory.PublishAsync(Conversion(Guid.NewGuid())); // another partner's
        await factory.PublishAsync(mine);

        var delivery = await Eventually.GetAsync(() => Task.FromResult(_receiver.Received.FirstOrDefault()), because: "the conversion is delivered");
        Assert.Equal(mine.EventId.ToString(), delivery.EventId);
        Assert.Equal("attribution.conversion-attributed", delivery.EventType);
        Assert.True(SignatureHolds(secret, delivery.Signature, delivery.Body), delivery.Signature);
        var body = JsonNode.Parse(delivery.Body)!;
        Assert.Equal(mine.OrderId, body["data"]!["orderId"]!.GetValue<string>());
        Assert.Equal(mine.EventId, body["id"]!.GetValue<Guid>());
        await factory.PublishAsync(mine); // redelivered by the broker: one delivery still
        var marker = Conversion(partner);
        await factory.PublishAsync(marker);
        await Eventually.UntilAsync(() => Task.FromResult(_receiver.Received.Any(received => received.EventId == marker.EventId.ToString())), because: "the marker arrives");
        Assert.Single(_receiver.Received, received => received.EventId == mine.EventId.ToString());
        Assert.Equal(2, _receiver.Received.Count);
    }

    [Fact]
    public async Task FailingReceiver_IsRetried_UntilItAnswers2xx_AndTheLogShowsIt()
    {
        using var admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
        var (id, _) = await SubscribeAsync(admin, ["coupons.coupon-leak-suspected"]);
        _receiver.Answers.Enqueue(500);
        _receiver.Answers.Enqueue(503);
        var leak = new CouponLeakSuspected
        {
            EventId = Guid.CreateVersion7(), OccurredAt = DateTimeOffset.UtcNow, RedemptionId = Guid.NewGuid(), OrderId = $"o-{Guid.NewGuid():N}",
            CodeId = Guid.NewGuid(), Code = "LEAKED", CampaignId = Guid.NewGuid(), PartnerId = Guid.NewGuid(), Reason = "coupon_site_referrer",
        };

        await factory.PublishAsync(leak);

        var log = await Eventually.GetAsync(async () =>
        {
            var page = await (await admin.GetAsync($"/api/portal/webhooks/{id}/deliveries", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
            return page["items"]!.AsArray().OfType<JsonObject>().FirstOrDefault(item => item["status"]!.GetValue<string>() == "delivered");
        }, because: "the third attempt succeeds");
        Assert.Equal(3, log["attempts"]!.GetValue<int>());
        Assert.Equal(3, _receiver.Received.Count(received => received.EventId == leak.EventId.ToString()));
    }

    [Fact]
    public async Task DeliveryLog_ListsNewestFirst_AndPagesInThatOrder()
    {
        using var admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
        var (id, _) = await SubscribeAsync(admin, ["coupons.coupon-leak-suspected"]);
        var published = new List<Guid>();
        for (var index = 0; index < 8; index++)
        {
            var leak = Leak(Guid.NewGuid(), "coupon_site_referrer", null, "https://coupons.example/");
            await factory.PublishAsync(leak);
            await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.WebhookDeliveries.AnyAsync(d => d.SubscriptionId == id && d.EventId == leak.EventId, Ct)),
                because: "the event is fanned out before the next one is published");
            published.Add(leak.EventId);
        }

        var log = await (await admin.GetAsync($"/api/portal/webhooks/{id}/deliveries?limit=200", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var first = await (await admin.GetAsync($"/api/portal/webhooks/{id}/deliveries?limit=5", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var second = await (await admin.GetAsync($"/api/portal/webhooks/{id}/deliveries?limit=5&after={first["nextCursor"]}", Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

        var newestFirst = Enumerable.Reverse(published).ToList();
        var items = log["items"]!.AsArray();
        Assert.Equal(newestFirst, items.Select(item => item!["eventId"]!.GetValue<Guid>()));
        var createdAt = items.Select(item => item!["createdAt"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.Equal(createdAt.OrderDescending(), createdAt);
        Assert.Equal(newestFirst, first["items"]!.AsArray().Concat(second["items"]!.AsArray()).Select(item => item!["eventId"]!.GetValue<Guid>()));
    }

    [Fact]
    public async Task SwitchedOffSubscription_GetsNoFurtherAttempts_UntilSwitchedOnAgain()
    {
        using var admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
        var (id, _) = await SubscribeAsync(admin, ["coupons.coupon-leak-suspected"]);
        // The first attempt is held at the receiver until the subscription is switched off, then fails: the delivery is
        // pending with one attempt, whatever the timing (the tests' retries come after 200 ms).
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiver.Gate = gate;
        _receiver.Answers.Enqueue(500);
        var leak = new CouponLeakSuspected
        {
            EventId = Guid.CreateVersion7(), OccurredAt = DateTimeOffset.UtcNow, RedemptionId = Guid.NewGuid(), OrderId = $"o-{Guid.NewGuid():N}",
            CodeId = Guid.NewGuid(), Code = "LEAKED", CampaignId = Guid.NewGuid(), PartnerId = Guid.NewGuid(), Reason = "coupon_site_referrer",
        };
        await factory.PublishAsync(leak);
        await Eventually.UntilAsync(() => Task.FromResult(!_receiver.Received.IsEmpty), because: "the first attempt is being sent");

        (await admin.PutAsJsonAsync($"/api/portal/webhooks/{id}", new JsonObject { ["active"] = false }, Ct)).EnsureSuccessStatusCode();
        gate.SetResult();
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.WebhookDeliveries.AnyAsync(d => d.SubscriptionId == id && d.Attempts == 1, Ct)),
            because: "the first attempt fails");
        // Due again at once: only the subscription's state can hold it back.
        await factory.QueryDbAsync(db => db.WebhookDeliveries.Where(d => d.SubscriptionId == id)
            .ExecuteUpdateAsync(update => update.SetProperty(d => d.NextAttemptAt, DateTimeOffset.UtcNow.AddMinutes(-1)), Ct));
        var switchedOff = await factory.QueryDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.SubscriptionId == id, Ct));
        await factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<WebhookDispatcher>().Single().DispatchDueAsync(Ct);

        var delivery = await factory.QueryDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.SubscriptionId == id, Ct));
        Assert.Equal("pending", switchedOff.Status);
        Assert.Equal((switchedOff.Status, switchedOff.Attempts), (delivery.Status, delivery.Attempts));
        Assert.Equal(delivery.Attempts, _receiver.Received.Count(received => received.EventId == leak.EventId.ToString()));

        _receiver.Answers.Clear();
        (await admin.PutAsJsonAsync($"/api/portal/webhooks/{id}", new JsonObject { ["active"] = true }, Ct)).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(() => factory.QueryDbAsync(db => db.WebhookDeliveries.AnyAsync(d => d.SubscriptionId == id && d.Status == "delivered", Ct)),
            because: "switched on again, the delivery goes out");
    }

    [Fact]
    public async Task OtherOwnersSubscriptions_AreInvisible()
    {
        using var first = factory.CreatePartnerClient(Guid.NewGuid());
        using var second = factory.CreatePartnerClient(Guid.NewGuid());
        var (id, _) = await SubscribeAsync(first, ["attribution.commission-booked"]);

        await (await second.GetAsync($"/api/portal/webhooks/{id}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await second.DeleteAsync($"/api/portal/webhooks/{id}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _admin.GetAsync($"/api/portal/webhooks/{id}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty((await (await second.GetAsync("/api/portal/webhooks", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.NoContent, (await first.DeleteAsync($"/api/portal/webhooks/{id}", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("ftp://example.com/hook", "url")]
    [InlineData("http://example.com/hook", "url")]
    [InlineData("https://example.com:0/hook", "url")]
    [InlineData("https://169.254.169.254/latest/meta-data", "url")]
    [InlineData("https://10.0.0.5/hook", "url")]
    [InlineData("https://192.0.2.2:18444/x", "url")]
    [InlineData("https://203.0.113.7/hook", "url")]
    [InlineData("https://198.18.0.1/hook", "url")]
    [InlineData("https://224.0.0.1/hook", "url")]
    [InlineData("https://255.255.255.255/hook", "url")]
    [InlineData("https://[64:ff9b::7f00:1]/hook", "url")]
    [InlineData("https://[2002:7f00:1::]/hook", "url")]
    [InlineData("https://[2001:db8::1]/hook", "url")]
    [InlineData("https://localhost./hook", "url")]
    [InlineData("https://127.0.0.1./hook", "url")]
    [InlineData("https://127.0.0.1../hook", "url")]
    [InlineData("https://10.0.0.5./hook", "url")]
    [InlineData("https://169.254.169.254./latest/meta-data", "url")]
    [InlineData("https://0x7f000001./hook", "url")]
    [InlineData("https://2130706433./hook", "url")]
    [InlineData("https://0177.0.0.1./hook", "url")]
    [InlineData("https://127.1./hook", "url")]
    [InlineData("https://0xa.5./hook", "url")]
    [InlineData("https://[::1]/hook", "url")]
    [InlineData("https://[::ffff:127.0.0.1]/hook", "url")]
    [InlineData("https://[::ffff:a00:5]/hook", "url")]
    [InlineData("https://LocalHost./hook", "url")]
    [InlineData("https://foo.localhost/hook", "url")]
    [InlineData("https://１２７.０.０.１/hook", "url")]
    [InlineData("https://127。0。0。1/hook", "url")]
    [InlineData("https://①②⑦.0.0.1/hook", "url")]
    [InlineData("https://ｌｏｃａｌｈｏｓｔ/hook", "url")]
    [InlineData("https://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/hook", "url")]
    [InlineData("https://１０.0.0.5/hook", "url")]
    [InlineData("https://[::169.254.169.254]/h", "url")]
    [InlineData("https://[::a9fe:a9fe]/h", "url")]
    [InlineData("https://[::10.0.0.1]/h", "url")]
    [InlineData("https://[::192.168.1.1]/h", "url")]
    [InlineData("https://[::c0a8:101]/h", "url")]
    [InlineData("https://[::0.0.0.2]/h", "url")]
    [InlineData("https://[::2]/h", "url")]
    [InlineData("https://[::127.0.0.1]/h", "url")]
    [InlineData("https://[::7f00:1]/h", "url")]
    [InlineData("https://[::8.8.8.8]/h", "url")]
    [InlineData("https://[::ffff:0:7f00:1]/h", "url")]
    [InlineData("https://[::ffff:0:a9fe:a9fe]/h", "url")]
    [InlineData("https://[::ffff:0:169.254.169.254]/h", "url")]
    [InlineData("https://[5f00::1]/h", "url")]
    [InlineData("https://[100:0:0:1::1]/h", "url")]
    [InlineData("https://[::ffff:169.254.169.254]/h", "url")]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/h", "url")]
    [InlineData("https://[64:ff9b:1::a9fe:a9fe]/h", "url")]
    [InlineData("https://[2002:a9fe:a9fe::1]/h", "url")]
    [InlineData("https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/h", "url")]
    [InlineData("https://user:pass@example.com/hook", "url")]
    [InlineData("not a url", "url")]
    public async Task Create_BadUrl_Returns400_AndStoresNothing(string url, string field)
    {
        var before = await factory.QueryDbAsync(db => db.WebhookSubscriptions.CountAsync(Ct));

        var problem = await (await _admin.PostAsJsonAsync("/api/portal/webhooks", new JsonObject { ["url"] = url, ["eventTypes"] = new JsonArray("*") }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains($"\"{field}\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, await factory.QueryDbAsync(db => db.WebhookSubscriptions.CountAsync(Ct)));
    }

    /// <summary>
    /// The connect step's guard, for a subscription stored before the creation check knew these forms (or a name resolving
    /// to them): it refuses the address itself, so the attempt fails without a connection leaving the host.
    /// </summary>
    [Theory]
    [InlineData("::169.254.169.254")]
    [InlineData("::10.0.0.1")]
    [InlineData("::192.168.1.1")]
    [InlineData("::2")]
    [InlineData("::ffff:0:7f00:1")]
    [InlineData("::ffff:0:169.254.169.254")]
    [InlineData("5f00::1")]
    public async Task Delivery_ToANonGlobalIPv6Form_IsRefusedAtConnect(string address)
    {
        var subscription = Guid.CreateVersion7();
        var protector = factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(WebhookDispatcher.ProtectorPurpose);
        await factory.QueryDbAsync(async db =>
        {
            db.WebhookSubscriptions.Add(new WebhookSubscription
            {
                Id = subscription, Url = $"https://[{address}]/h", EventTypes = ["*"], ProtectedSecret = protector.Protect("whsec_x"),
                CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "before-the-rule",
            });
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                Id = Guid.CreateVersion7(), SubscriptionId = subscription, EventId = Guid.CreateVersion7(), EventType = "coupons.coupon-leak-suspected",
                Payload = "{}", Status = DeliveryStatuses.Pending, NextAttemptAt = DateTimeOffset.UtcNow.AddMinutes(-1), CreatedAt = DateTimeOffset.UtcNow,
            });
            return await db.SaveChangesAsync(Ct);
        });

        var delivery = await Eventually.GetAsync(
            () => factory.QueryDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleOrDefaultAsync(d => d.SubscriptionId == subscription && d.Attempts > 0, Ct)),
            because: "the dispatcher attempts it");

        Assert.Contains("resolves to no public address", delivery.LastError, StringComparison.Ordinal);
        await factory.QueryDbAsync(db => db.WebhookSubscriptions.Where(s => s.Id == subscription).ExecuteDeleteAsync(Ct));
    }

    [Theory]
    [InlineData("""[null]""")]
    [InlineData("""["attribution.conversion-attributed", null]""")]
    [InlineData("""[""]""")]
    [InlineData("""["  "]""")]
    public async Task Create_NullOrBlankEventType_Returns400_AndStoresNothing(string eventTypes)
    {
        var before = await factory.QueryDbAsync(db => db.WebhookSubscriptions.CountAsync(Ct));
        var body = $$"""{"url":"{{_receiver.Url}}","eventTypes":{{eventTypes}}}""";

        var problem = await (await _admin.PostAsync("/api/portal/webhooks", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("\"eventTypes\"", problem.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, await factory.QueryDbAsync(db => db.WebhookSubscriptions.CountAsync(Ct)));
    }

    [Fact]
    public async Task Table_RefusesANullEventType()
    {
        var body = $$"""{"url":"{{_receiver.Url}}","eventTypes":["attribution.conversion-attributed"]}""";
        var created = await (await _admin.PostAsync("/api/portal/webhooks", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct))
            .ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var id = created["webhook"]!["id"]!.GetValue<Guid>();

        var refusal = await Assert.ThrowsAsync<PostgresException>(() => factory.QueryDbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE webhook_subscriptions SET event_types = array_append(event_types, NULL) WHERE id = {id}", Ct)));

        Assert.Equal(PostgresErrorCodes.CheckViolation, refusal.SqlState);
    }

    [Fact]
    public async Task Create_UnknownEventType_OrOneNotAboutPartnersForAPartner_Returns400()
    {
        using var partner = factory.CreatePartnerClient(Guid.NewGuid());

        await (await _admin.PostAsJsonAsync("/api/portal/webhooks", new JsonObject { ["url"] = _receiver.Url.ToString(), ["eventTypes"] = new JsonArray("nope.nothing") }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await partner.PostAsJsonAsync("/api/portal/webhooks", new JsonObject { ["url"] = _receiver.Url.ToString(), ["eventTypes"] = new JsonArray("promotions.promotion-published") }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("surveys.survey-response-submitted", "survey")]
    [InlineData("surveys.survey-shown", "survey")]
    [InlineData("attribution.click-recorded", "visitorId")]
    [InlineData("coupons.coupon-redeemed", "customerKey")]
    [InlineData("attribution.retention-milestone-reached", "customerId")]
    [InlineData("promotions.experiment-exposed", "stickyId")]
    [InlineData("promotions.quote-mismatch-detected", "pricing")]
    public async Task Create_ShopperLevelEventType_ForAPartner_Returns400NamingTheTypeAndWhy(string eventType, string why)
    {
        using var partner = factory.CreatePartnerClient(Guid.NewGuid());

        var problem = await (await partner.PostAsJsonAsync("/api/portal/webhooks", new JsonObject
        {
            ["url"] = _receiver.Url.ToString(), ["eventTypes"] = new JsonArray("attribution.conversion-attributed", eventType),
        }, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        var error = problem.Extensions["errors"]!.ToString()!;
        Assert.Contains($"'{eventType}'", error, StringComparison.Ordinal);
        Assert.Contains(why, error, StringComparison.Ordinal);
        Assert.Empty((await (await partner.GetAsync("/api/portal/webhooks", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["items"]!.AsArray());
    }

    [Fact]
    public async Task EventTypes_ForAPartner_LeaveOutSurveyAndShopperLevelTypes_ButAdminsSeeThem()
    {
        using var partner = factory.CreatePartnerClient(Guid.NewGuid());

        var partnerTypes = (await (await partner.GetAsync("/api/portal/webhooks/event-types", Ct)).ShouldBeAsync<List<string>>(HttpStatusCode.OK));
        var adminTypes = (await (await _admin.GetAsync("/api/portal/webhooks/event-types", Ct)).ShouldBeAsync<List<string>>(HttpStatusCode.OK));

        Assert.Contains("attribution.conversion-attributed", partnerTypes);
        Assert.Contains("attribution.commission-booked", partnerTypes);
        Assert.DoesNotContain(partnerTypes, type => type.StartsWith("surveys.", StringComparison.Ordinal));
        Assert.DoesNotContain("attribution.click-recorded", partnerTypes);
        Assert.DoesNotContain("coupons.coupon-redeemed", partnerTypes);
        Assert.Contains("surveys.survey-response-submitted", adminTypes);
        Assert.Contains("attribution.click-recorded", adminTypes);
    }

    [Fact]
    public async Task SurveyEvent_GoesToToolSubscriptions_ButNeverToAPartnersOne_EvenOneStoredBeforeTheRule()
    {
        var partner = Guid.NewGuid();
        var (toolSubscription, _) = await SubscribeAsync(_admin, ["surveys.survey-response-submitted"]);
        var protector = factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(WebhookDispatcher.ProtectorPurpose);
        await factory.QueryDbAsync(async db =>
        {
            db.WebhookSubscriptions.Add(new WebhookSubscription
            {
                Id = Guid.CreateVersion7(), PartnerId = partner, Url = _receiver.Url.ToString(), EventTypes = ["*", "surveys.survey-response-submitted"],
                ProtectedSecret = protector.Protect("old-secret"), CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "before-the-rule",
            });
            return await db.SaveChangesAsync(Ct);
        });
        var response = new SurveyResponseSubmitted
        {
            EventId = Guid.CreateVersion7(), OccurredAt = DateTimeOffset.UtcNow, ResponseId = Guid.NewGuid(), SurveyId = Guid.NewGuid(), SurveyVersion = 1,
            SurveyKind = "nps", Touchpoint = "order", VisitorId = "visitor-1", CustomerId = "customer-1", OrderId = "order-1", PartnerId = partner,
            NpsScore = 3, ReasonCodes = ["extra-costs"],
        };

        await factory.PublishAsync(response);

        // The fan-out inserts every matching subscription's delivery in one statement: once the tool's exists, the partner's never will.
        var deliveries = await Eventually.GetAsync(async () =>
        {
            var rows = await factory.QueryDbAsync(db => db.WebhookDeliveries.AsNoTracking().Where(delivery => delivery.EventId == response.EventId)
                .Select(delivery => delivery.SubscriptionId).ToListAsync(Ct));
            return rows.Count > 0 ? rows : null;
        }, because: "the survey response fans out to the tool's subscription");
        Assert.Equal([toolSubscription], deliveries);
    }

    [Fact]
    public async Task SubscriptionAddedByAnotherInstance_GetsEventsWithinASecond()
    {
        var partner = Guid.NewGuid();
        await factory.PublishAsync(Conversion(partner)); // the fan-out has now looked and seen no subscription for the type
        var protector = factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(WebhookDispatcher.ProtectorPurpose);
        await factory.QueryDbAsync(async db =>
        {
            db.WebhookSubscriptions.Add(new WebhookSubscription
            {
                Id = Guid.CreateVersion7(), PartnerId = partner, Url = _receiver.Url.ToString(), EventTypes = ["attribution.conversion-attributed"],
                ProtectedSecret = protector.Protect("another-instance-secret"), CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "another-instance",
            });
            return await db.SaveChangesAsync(Ct);
        });

        var started = DateTimeOffset.UtcNow;
        await Eventually.UntilAsync(async () =>
        {
            await factory.PublishAsync(Conversion(partner));
            return !_receiver.Received.IsEmpty;
        }, TimeSpan.FromSeconds(15), because: "the new subscription is seen once the interest snapshot expires");
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(10), "seen well within the polling deadline");
    }

    [Fact]
    public async Task StorefrontKeys_CannotManageWebhooks()
    {
        using var storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);

        Assert.Equal(HttpStatusCode.Forbidden, (await storefront.GetAsync("/api/portal/webhooks", Ct)).StatusCode);
    }

    [Fact]
    public async Task List_IsCursorPaged_LikeEveryOtherList()
    {
        using var client = factory.CreatePartnerClient(Guid.NewGuid());
        var created = new List<Guid>();
        for (var index = 0; index < 3; index++)
        {
            created.Add((await SubscribeAsync(client, ["attribution.conversion-attributed"])).Id);
        }

        var first = await (await client.GetAsync("/api/portal/webhooks?limit=2", Ct)).ShouldBeAsync<PageResponse<WebhookResponse>>(HttpStatusCode.OK);
        var second = await (await client.GetAsync($"/api/portal/webhooks?limit=2&after={first.NextCursor}", Ct)).ShouldBeAsync<PageResponse<WebhookResponse>>(HttpStatusCode.OK);

        Assert.Equal(created.Order(), first.Items.Concat(second.Items).Select(webhook => webhook.Id));
        Assert.NotNull(first.NextCursor);
        Assert.Null(second.NextCursor);
        await (await client.GetAsync("/api/portal/webhooks?limit=0", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await client.GetAsync("/api/portal/webhooks?after=not-a-cursor", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ConversionReattributed_EachPartnerGetsItsOwnView_NamingNeitherTheOther_WhileToolsGetTheEvent()
    {
        var previous = Guid.NewGuid();
        var credited = Guid.NewGuid();
        await using var previousReceiver = await WebhookReceiver.StartAsync();
        await using var toolReceiver = await WebhookReceiver.StartAsync();
        using var previousClient = factory.CreatePartnerClient(previous);
        using var creditedClient = factory.CreatePartnerClient(credited);
        await SubscribeAsync(previousClient, ["attribution.conversion-reattributed"], previousReceiver);
        await SubscribeAsync(creditedClient, ["attribution.conversion-reattributed"]);
        await SubscribeAsync(_admin, ["attribution.conversion-reattributed"], toolReceiver);
        var moved = new ConversionReattributed
        {
            EventId = Guid.CreateVersion7(), OccurredAt = DateTimeOffset.UtcNow, ConversionId = Guid.NewGuid(), OrderId = $"order-{Guid.NewGuid():N}",
            PreviousPartnerId = previous, PartnerId = credited, Reason = "coupon_code", OrderAmount = 120m, Currency = "EUR", CommissionAmount = 18m,
            OrderedAt = DateTimeOffset.UtcNow,
        };

        await factory.PublishAsync(moved);

        var creditedBody = await DeliveredAsync(_receiver, moved.EventId);
        var previousBody = await DeliveredAsync(previousReceiver, moved.EventId);
        var toolBody = await DeliveredAsync(toolReceiver, moved.EventId);
        Assert.DoesNotContain(previous.ToString(), creditedBody.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal((credited, "credited", 18m), (Data(creditedBody, "partnerId").GetValue<Guid>(), Data(creditedBody, "change").GetValue<string>(),
            Data(creditedBody, "commissionAmount").GetValue<decimal>()));
        Assert.DoesNotContain(credited.ToString(), previousBody.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal((previous, "withdrawn"), (Data(previousBody, "partnerId").GetValue<Guid>(), Data(previousBody, "change").GetValue<string>()));
        Assert.Null(previousBody["data"]!["commissionAmount"]);
        Assert.Equal(moved.OrderId, Data(previousBody, "orderId").GetValue<string>());
        Assert.Equal(previous, Data(toolBody, "previousPartnerId").GetValue<Guid>());
    }

    [Fact]
    public async Task CouponLeakSuspected_PartnersDelivery_CarriesNeitherTheTrafficPartnerNorTheReferrer()
    {
        var partner = Guid.NewGuid();
        var trafficPartner = Guid.NewGuid();
        using var client = factory.CreatePartnerClient(partner);
        await SubscribeAsync(client, ["coupons.coupon-leak-suspected"]);
        var onCouponSite = Leak(partner, "coupon_site_referrer", trafficPartner: null, "https://www.Coupons.example/acme-codes?email=shopper%40mail.example");
        var fromOtherTraffic = Leak(partner, "no_partner_click", trafficPartner, "https://other-partner.example/blog/post?visitor=v-123");

        await factory.PublishAsync(onCouponSite);
        await factory.PublishAsync(fromOtherTraffic);

        var siteBody = await DeliveredAsync(_receiver, onCouponSite.EventId);
        var trafficBody = await DeliveredAsync(_receiver, fromOtherTraffic.EventId);
        Assert.Equal("www.coupons.example", Data(siteBody, "couponSiteHost").GetValue<string>());
        Assert.Equal("LEAKED", Data(trafficBody, "code").GetValue<string>());
        Assert.Null(trafficBody["data"]!["couponSiteHost"]);
        foreach (var leaked in new[] { "shopper", "acme-codes", "other-partner.example", "v-123", "\"referrer\"", "trafficPartnerId", trafficPartner.ToString() })
        {
            Assert.DoesNotContain(leaked, siteBody.ToJsonString() + trafficBody.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task ExperimentStatusChanged_PartnersDelivery_LeavesOutWhoChangedIt()
    {
        var partner = Guid.NewGuid();
        using var client = factory.CreatePartnerClient(partner);
        await SubscribeAsync(client, ["promotions.experiment-status-changed"]);
        var changed = new ExperimentStatusChanged
        {
            EventId = Guid.CreateVersion7(), OccurredAt = DateTimeOffset.UtcNow, ExperimentId = Guid.NewGuid(), Name = "Free shipping test",
            Status = "completed", Variants = ["a", "b"], HoldoutPercent = 10, ChangedBy = "admin-key:ops-7f3a", Winner = "b", PartnerId = partner,
        };

        await factory.PublishAsync(changed);

        var body = await DeliveredAsync(_receiver, changed.EventId);
        Assert.Equal(("Free shipping test", "completed", "b"), (Data(body, "name").GetValue<string>(), Data(body, "status").GetValue<string>(),
            Data(body, "winner").GetValue<string>()));
        Assert.DoesNotContain("ops-7f3a", body.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("changedBy", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcentrationRisk_PartnersDelivery_LeavesOutTheMerchantsTotals()
    {
        var partner = Guid.NewGuid();
        using var client = factory.CreatePartnerClient(partner);
        await SubscribeAsync(client, ["analytics.partner-concentration-risk-detected"]);
        var risk = new PartnerConcentrationRiskDetected
        {
            EventId = Guid.CreateVersion7(), OccurredAt = DateTimeOffset.UtcNow, PartnerId = partner, Currency = "EUR", PartnerRevenue = 4_321.5m,
            TotalRevenue = 9_876.25m, RevenueShare = 0.4376m, Threshold = 0.4m, WindowStart = new DateOnly(2026, 11, 1), WindowEnd = new DateOnly(2026, 11, 30),
        };

        await factory.PublishAsync(risk);

        var body = await DeliveredAsync(_receiver, risk.EventId);
        Assert.Equal(4_321.5m, Data(body, "partnerRevenue").GetValue<decimal>());
        foreach (var merchantOnly in new[] { "9876.25", "0.4376", "totalRevenue", "revenueShare", "threshold" })
        {
            Assert.DoesNotContain(merchantOnly, body.ToJsonString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EventTypes_ForAPartner_AreExactlyThoseWithAPartnerPayload()
    {
        using var partner = factory.CreatePartnerClient(Guid.NewGuid());

        var partnerTypes = await (await partner.GetAsync("/api/portal/webhooks/event-types", Ct)).ShouldBeAsync<List<string>>(HttpStatusCode.OK);

        Assert.Equal(
        [
            "analytics.partner-concentration-risk-detected", "attribution.commission-approved", "attribution.commission-booked",
            "attribution.commission-held", "attribution.commission-paid", "attribution.commission-reversed", "attribution.conversion-attributed",
            "attribution.conversion-reattributed", "attribution.fraud-flag-raised", "attribution.partner-registered", "attribution.partner-tier-reached",
            "attribution.referral-link-created", "attribution.refund-recorded", "coupons.coupon-leak-suspected", "coupons.coupon-restored",
            "promotions.experiment-status-changed", "promotions.promotion-budget-exhausted",
        ], partnerTypes.Where(type => type != "*").Order(StringComparer.Ordinal));
    }

    private static CouponLeakSuspected Leak(Guid partner, string reason, Guid? trafficPartner, string referrer) => new()
    {
        EventId = Guid.CreateVersion7(), OccurredAt = DateTimeOffset.UtcNow, RedemptionId = Guid.NewGuid(), OrderId = $"o-{Guid.NewGuid():N}",
        CodeId = Guid.NewGuid(), Code = "LEAKED", CampaignId = Guid.NewGuid(), PartnerId = partner, Reason = reason, TrafficPartnerId = trafficPartner,
        Referrer = referrer,
    };

    private static async Task<JsonNode> DeliveredAsync(WebhookReceiver receiver, Guid eventId)
    {
        var delivery = await Eventually.GetAsync(
            () => Task.FromResult(receiver.Received.FirstOrDefault(received => received.EventId == eventId.ToString())),
            because: $"event {eventId} is delivered");
        return JsonNode.Parse(delivery.Body)!;
    }

    private static JsonNode Data(JsonNode body, string field) =>
        body["data"]![field] ?? throw new Xunit.Sdk.XunitException($"data.{field} is missing from {body.ToJsonString()}");

    private async Task<(Guid Id, string Secret)> SubscribeAsync(HttpClient client, string[] eventTypes, WebhookReceiver? receiver = null)
    {
        var created = await (await client.PostAsJsonAsync("/api/portal/webhooks", new JsonObject
        {
            ["url"] = (receiver ?? _receiver).Url.ToString(), ["eventTypes"] = new JsonArray([.. eventTypes.Select(type => (JsonNode)type)]),
        }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        return (created["webhook"]!["id"]!.GetValue<Guid>(), created["secret"]!.GetValue<string>());
    }

    internal static ConversionAttributed Conversion(Guid partnerId) => new()
    {
        EventId = Guid.CreateVersion7(),
        OccurredAt = DateTimeOffset.UtcNow,
        ConversionId = Guid.NewGuid(),
        OrderId = $"order-{Guid.NewGuid():N}",
        PartnerId = partnerId,
        OrderAmount = 120m,
        Currency = "EUR",
        CommissionAmount = 12m,
        OrderedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>What a receiver does, written here from the documented scheme rather than with the service's code.</summary>
    internal static bool SignatureHolds(string secret, string header, string body)
    {
        var parts = header.Split(',').Select(part => part.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
        var timestamp = long.Parse(parts["t"], System.Globalization.CultureInfo.InvariantCulture);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        return Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp) < 300 && parts["v1"] == expected;
    }
}
