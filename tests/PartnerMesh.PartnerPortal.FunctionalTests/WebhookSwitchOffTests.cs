using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.PartnerPortal.Api.Webhooks;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// A receiver that is down loses nothing: a burst of failures does not switch its subscription off (only failed attempts
/// in a row spanning an hour do), and once switched off for failing its events are still recorded and wait, every one
/// going out when it is switched on again. The portal runs on the test's clock (<see cref="FakeClockPortalApiFactory"/>);
/// the tests' settings allow 3 attempts per delivery.
/// </summary>
public sealed class WebhookSwitchOffTests(FakeClockPortalApiFactory factory) : IClassFixture<FakeClockPortalApiFactory>, IAsyncLifetime
{
    private const int Burst = 60;
    private const string EventType = "attribution.conversion-attributed";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task ReceiverDown_ABurstDoesNotSwitchItOff_AfterAnHourItIsSwitchedOff_ItsEventsWait_AndAllGoOutWhenSwitchedOn()
    {
        var partner = Guid.NewGuid();
        using var client = factory.CreatePartnerClient(partner);
        var id = await SubscribeAsync(client);
        for (var index = 0; index < 1_000; index++)
        {
            _receiver.Answers.Enqueue(503);
        }

        var published = new List<Guid>();
        for (var index = 0; index < Burst; index++)
        {
            var conversion = WebhookTests.Conversion(partner);
            await factory.PublishAsync(conversion);
            published.Add(conversion.EventId);
        }

        await AttemptedAsync(id, Burst, 1, "every delivery of the burst fails its first attempt");
        var afterBurst = await SubscriptionAsync(id);
        Assert.True(afterBurst.Active, "60 failures within a second do not switch a subscription off");
        Assert.Equal(Burst, afterBurst.ConsecutiveFailures);

        factory.Clock.Advance(TimeSpan.FromMinutes(30));
        await AttemptedAsync(id, Burst, 2, "every delivery fails its second attempt");
        Assert.True((await SubscriptionAsync(id)).Active, "120 failures over 30 minutes do not switch it off");

        factory.Clock.Advance(TimeSpan.FromMinutes(31));
        var switchedOff = await Eventually.GetAsync(async () => await SubscriptionAsync(id) is { Active: false } subscription ? subscription : null,
            because: "a failed attempt more than an hour into the failures switches it off");
        Assert.Equal(factory.Clock.GetUtcNow(), switchedOff.DisabledAt);
        var waiting = await DeliveriesAsync(id);
        Assert.All(waiting, delivery => Assert.Equal(DeliveryStatuses.Pending, delivery.Status));
        Assert.Contains(waiting, delivery => delivery.Attempts == 3); // its last attempt switched it off: it waits rather than fails

        var whileOff = new List<Guid>();
        for (var index = 0; index < 5; index++)
        {
            var conversion = WebhookTests.Conversion(partner);
            await factory.PublishAsync(conversion);
            whileOff.Add(conversion.EventId);
        }

        await Eventually.UntilAsync(async () => (await DeliveriesAsync(id)).Count == Burst + whileOff.Count,
            because: "events published while it is switched off for failing are recorded");

        _receiver.Answers.Clear();
        (await client.PutAsJsonAsync($"/api/portal/webhooks/{id}", new JsonObject { ["active"] = true }, Ct)).EnsureSuccessStatusCode();
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.UntilAsync(async () => (await DeliveriesAsync(id)).All(delivery => delivery.Status == DeliveryStatuses.Delivered),
            because: "switched on again, every waiting delivery goes out");
        Assert.Equal(published.Concat(whileOff).Order(), _receiver.Received.Select(received => Guid.Parse(received.EventId)).Distinct().Order());
        var switchedOn = await SubscriptionAsync(id);
        Assert.Equal((true, 0, (DateTimeOffset?)null), (switchedOn.Active, switchedOn.ConsecutiveFailures, switchedOn.FailingSince));
    }

    [Fact]
    public async Task SwitchedOffByItsOwner_RecordsNoNewEvents()
    {
        var partner = Guid.NewGuid();
        using var client = factory.CreatePartnerClient(partner);
        var off = await SubscribeAsync(client);
        var on = await SubscribeAsync(client);
        (await client.PutAsJsonAsync($"/api/portal/webhooks/{off}", new JsonObject { ["active"] = false }, Ct)).EnsureSuccessStatusCode();

        var conversion = WebhookTests.Conversion(partner);
        await factory.PublishAsync(conversion);

        // One statement records the event for every subscription that wants it: once the active one has it, the other is settled.
        await Eventually.UntilAsync(async () => (await DeliveriesAsync(on)).Any(delivery => delivery.EventId == conversion.EventId),
            because: "the active subscription records the event");
        Assert.Empty(await DeliveriesAsync(off));
    }

    private async Task AttemptedAsync(Guid id, int count, int attempts, string because) =>
        await Eventually.UntilAsync(async () => await DeliveriesAsync(id) is var deliveries
            && deliveries.Count == count && deliveries.All(delivery => delivery.Attempts == attempts && delivery.Status == DeliveryStatuses.Pending), because: because);

    private Task<List<WebhookDelivery>> DeliveriesAsync(Guid id) =>
        factory.QueryDbAsync(db => db.WebhookDeliveries.AsNoTracking().Where(delivery => delivery.SubscriptionId == id).ToListAsync(Ct));

    private Task<WebhookSubscription> SubscriptionAsync(Guid id) =>
        factory.QueryDbAsync(db => db.WebhookSubscriptions.AsNoTracking().SingleAsync(subscription => subscription.Id == id, Ct));

    private async Task<Guid> SubscribeAsync(HttpClient client) =>
        (await (await client.PostAsJsonAsync("/api/portal/webhooks", new JsonObject
        {
            ["url"] = _receiver.Url.ToString(), ["eventTypes"] = new JsonArray(EventType),
        }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["webhook"]!["id"]!.GetValue<Guid>();
}
