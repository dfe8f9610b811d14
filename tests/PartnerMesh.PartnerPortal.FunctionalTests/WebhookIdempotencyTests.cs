using PartnerMesh.ServiceDefaults.WebApi;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>Creating webhook subscriptions with an <c>Idempotency-Key</c>, scoped per owner; a retry never shows the secret again.</summary>
public sealed class WebhookIdempotencyTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private const string Url = "/api/portal/webhooks";
    private const string ConversionEvents = "attribution.conversion-attributed";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_RetriedWithSameIdempotencyKey_Returns200WithTheSameWebhookWithoutSecret_AndCreatesNothing()
    {
        using var partner = factory.CreatePartnerClient(Guid.NewGuid());
        var key = Guid.NewGuid().ToString();

        var created = await (await PostAsync(partner, Body(ConversionEvents), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        var retry = await PostAsync(partner, Body(ConversionEvents), key);

        var replayed = await retry.ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var id = created["webhook"]!["id"]!.GetValue<Guid>();
        Assert.Equal(id, replayed["id"]!.GetValue<Guid>());
        var body = await retry.Content.ReadAsStringAsync(Ct);
        Assert.False(replayed.ContainsKey("secret")); // (secretRotatedAt and previousSecretExpiresAt are no secret)
        Assert.DoesNotContain(created["secret"]!.GetValue<string>(), body, StringComparison.Ordinal);
        Assert.Equal([id], await ListAsync(partner));
    }

    [Fact]
    public async Task Create_CreatedAt_IsTheSameInThe201_TheReplayAndAGet()
    {
        using var partner = factory.CreatePartnerClient(Guid.NewGuid());

        // Several subscriptions: a clock reading may happen to fall on a whole microsecond.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var key = Guid.NewGuid().ToString();
            var created = (await (await PostAsync(partner, Body(ConversionEvents), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["webhook"]!;
            var replayed = await (await PostAsync(partner, Body(ConversionEvents), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
            var read = await (await partner.GetAsync($"{Url}/{created["id"]}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);

            Assert.Equal(created["createdAt"]!.GetValue<string>(), replayed["createdAt"]!.GetValue<string>());
            Assert.Equal(created["createdAt"]!.GetValue<string>(), read["createdAt"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Create_SameIdempotencyKeyWithOtherEventTypesOrUrl_Returns409_AndCreatesNothing()
    {
        using var partner = factory.CreatePartnerClient(Guid.NewGuid());
        var key = Guid.NewGuid().ToString();
        var created = await (await PostAsync(partner, Body(ConversionEvents), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        var otherEvents = await PostAsync(partner, Body(ConversionEvents, "attribution.commission-booked"), key);
        var otherUrl = await PostAsync(partner, Body(ConversionEvents, url: "http://127.0.0.1:9/other"), key);

        var id = created["webhook"]!["id"]!.GetValue<Guid>();
        var problem = await otherEvents.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains(id.ToString(), problem.Detail, StringComparison.Ordinal);
        await otherUrl.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal([id], await ListAsync(partner));
    }

    [Fact]
    public async Task Create_SameIdempotencyKeyByTwoPartners_CreatesOneEach()
    {
        using var first = factory.CreatePartnerClient(Guid.NewGuid());
        using var second = factory.CreatePartnerClient(Guid.NewGuid());
        var key = Guid.NewGuid().ToString();

        await (await PostAsync(first, Body(ConversionEvents), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);
        await (await PostAsync(second, Body(ConversionEvents), key)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created);

        Assert.Single(await ListAsync(first));
        Assert.Single(await ListAsync(second));
    }

    [Fact]
    public async Task Create_ConcurrentAdminRetriesWithSameIdempotencyKey_CreateOneWebhook()
    {
        using var admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
        var before = await ListAsync(admin);
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostAsync(admin, Body("coupons.coupon-leak-suspected"), key)));

        Assert.Single(responses, response => response.StatusCode == HttpStatusCode.Created);
        Assert.All(responses, response => Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        Assert.Equal(before.Count + 1, (await ListAsync(admin)).Count);
    }

    [Fact]
    public async Task Create_OverLongIdempotencyKey_Returns400_AndCreatesNothing()
    {
        using var partner = factory.CreatePartnerClient(Guid.NewGuid());

        var response = await PostAsync(partner, Body(ConversionEvents), new string('k', IdempotencyKeys.MaxLength + 1));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(IdempotencyKeys.Header, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await ListAsync(partner));
    }

    private static JsonObject Body(string eventType, string? otherEventType = null, string url = "http://127.0.0.1:9/hooks") => new()
    {
        ["url"] = url,
        ["eventTypes"] = otherEventType is null ? new JsonArray(eventType) : new JsonArray(eventType, otherEventType),
    };

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, JsonObject body, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation(IdempotencyKeys.Header, idempotencyKey);
        return await client.SendAsync(request, Ct);
    }

    private static async Task<List<Guid>> ListAsync(HttpClient client) =>
        [.. (await (await client.GetAsync(Url, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK))["items"]!.AsArray().Select(item => item!["id"]!.GetValue<Guid>())];
}
