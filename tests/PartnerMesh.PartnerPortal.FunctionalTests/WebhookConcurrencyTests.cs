using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// Webhook subscriptions under concurrency: the per-owner limit holds for creates sent together, and deleting a
/// subscription while the dispatcher is sending its deliveries neither deadlocks nor undoes the batch.
/// </summary>
public sealed class WebhookConcurrencyTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private const int Concurrent = 30;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_30AtOnceByOnePartner_Exactly20Succeed_TheRestAre409()
    {
        using var partner = factory.CreatePartnerClient(Guid.NewGuid());

        await AssertTheLimitHoldsAsync(partner);
    }

    [Fact]
    public async Task Create_30AtOnceByAdmins_Exactly20Succeed_TheRestAre409()
    {
        using var admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

        await AssertTheLimitHoldsAsync(admin);
    }

    [Fact]
    public async Task Delete_WhileTheDispatcherSendsItsDeliveries_WaitsForTheBatch_AndNeitherFails()
    {
        var partner = Guid.NewGuid();
        using var client = factory.CreatePartnerClient(partner);
        await using var deleted = await WebhookReceiver.StartAsync();
        await using var kept = await WebhookReceiver.StartAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        (deleted.Gate, kept.Gate) = (gate, gate);
        deleted.Answers.Enqueue(500); // a failed attempt: the batch then updates the subscription's failure count
        var deletedId = await SubscribeAsync(client, deleted.Url);
        var keptId = await SubscribeAsync(client, kept.Url);
        var conversion = WebhookTests.Conversion(partner);

        await factory.PublishAsync(conversion);
        // One batch holds both deliveries while their receivers hold the requests.
        await Eventually.UntilAsync(() => Task.FromResult(!deleted.Received.IsEmpty && !kept.Received.IsEmpty), because: "both deliveries are being sent");
        var delete = client.DeleteAsync($"/api/portal/webhooks/{deletedId}", Ct);
        await Eventually.UntilAsync(async () => await factory.QueryDbAsync(db => db.Database.SqlQuery<int>($"""
            SELECT count(*)::int AS "Value" FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query ILIKE 'DELETE FROM webhook_subscriptions%'
            """).SingleAsync(Ct)) > 0, because: "the delete waits for the batch");
        gate.SetResult();

        Assert.Equal(HttpStatusCode.NoContent, (await delete).StatusCode);
        var delivered = await Eventually.GetAsync(() => factory.QueryDbAsync(db => db.WebhookDeliveries.AsNoTracking()
            .SingleOrDefaultAsync(delivery => delivery.SubscriptionId == keptId && delivery.Status == "delivered", Ct)), because: "the other delivery is recorded");
        // The batch committed: had it been a deadlock's victim, the delivery would have been sent again.
        Assert.Equal(1, delivered.Attempts);
        Assert.Single(kept.Received);
        Assert.False(await factory.QueryDbAsync(db => db.WebhookSubscriptions.AnyAsync(subscription => subscription.Id == deletedId, Ct)));
    }

    private static async Task AssertTheLimitHoldsAsync(HttpClient client)
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(index =>
            client.PostAsJsonAsync("/api/portal/webhooks", Body($"http://127.0.0.1:9/hook-{index}"), Ct)));

        Assert.Equal(
            [(HttpStatusCode.Created, 20), (HttpStatusCode.Conflict, Concurrent - 20)],
            responses.GroupBy(response => response.StatusCode).Select(group => (group.Key, group.Count())).OrderBy(pair => pair.Key));
        var listed = await (await client.GetAsync("/api/portal/webhooks?limit=200", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        Assert.Equal(20, listed["items"]!.AsArray().Count);
        await (await client.PostAsJsonAsync("/api/portal/webhooks", Body("http://127.0.0.1:9/one-more"), Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    private static async Task<Guid> SubscribeAsync(HttpClient client, Uri url) =>
        (await (await client.PostAsJsonAsync("/api/portal/webhooks", Body(url.ToString()), Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created))
            ["webhook"]!["id"]!.GetValue<Guid>();

    private static JsonObject Body(string url) => new() { ["url"] = url, ["eventTypes"] = new JsonArray("attribution.conversion-attributed") };
}
