using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Data;
using PartnerMesh.PartnerPortal.Api.Webhooks;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// A subscription's signing secret is rotated in place (same id, its deliveries kept): for 24 hours deliveries carry a
/// <c>v1</c> made with the new secret and one made with the previous secret, then only the new one. The signatures are
/// checked here independently of the service's code; the portal runs on the test's clock (<see cref="FakeClockPortalApiFactory"/>).
/// </summary>
public sealed class WebhookSecretRotationTests(FakeClockPortalApiFactory factory) : IClassFixture<FakeClockPortalApiFactory>, IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task RotateSecret_DeliveriesCarryTheNewAndThePreviousSignature_ForTheOverlap_ThenOnlyTheNew()
    {
        var (id, original) = await SubscribeAsync();

        var rotated = await (await RotateAsync(id, Guid.NewGuid().ToString())).ShouldBeAsync<RotatedSecretResponse>(HttpStatusCode.OK);

        Assert.Matches("^whsec_[A-Za-z0-9_-]{40,}$", rotated.Secret);
        Assert.NotEqual(original, rotated.Secret);
        Assert.Equal((id, true), (rotated.Webhook.Id, rotated.Webhook.Active));
        Assert.Equal(StorageTime.Now(factory.Clock) + TimeSpan.FromHours(24), rotated.PreviousSecretExpiresAt);
        // Neither secret is shown again.
        var read = await (await _admin.GetAsync($"/api/portal/webhooks/{id}", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(rotated.Secret, read, StringComparison.Ordinal);
        Assert.DoesNotContain(original, read, StringComparison.Ordinal);

        var inside = await DeliveredAsync();
        var insideSignatures = Signatures(inside);
        Assert.Equal([Hmac(rotated.Secret, inside), Hmac(original, inside)], insideSignatures);
        Assert.True(WebhookSignature.Verify(rotated.Secret, inside.Signature, inside.Body, factory.Clock.GetUtcNow()), inside.Signature);
        Assert.True(WebhookSignature.Verify(original, inside.Signature, inside.Body, factory.Clock.GetUtcNow()), inside.Signature);
        Assert.False(WebhookSignature.Verify(WebhookSignature.NewSecret(), inside.Signature, inside.Body, factory.Clock.GetUtcNow()));

        factory.Clock.Advance(TimeSpan.FromHours(24));
        var after = await DeliveredAsync();
        Assert.Equal([Hmac(rotated.Secret, after)], Signatures(after));
        Assert.False(WebhookSignature.Verify(original, after.Signature, after.Body, factory.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task RotateSecret_TwiceInsideTheOverlap_SignsWithTheNewestTwoOnly()
    {
        var (id, original) = await SubscribeAsync();
        var first = await (await RotateAsync(id)).ShouldBeAsync<RotatedSecretResponse>(HttpStatusCode.OK);
        factory.Clock.Advance(TimeSpan.FromHours(1));

        var second = await (await RotateAsync(id)).ShouldBeAsync<RotatedSecretResponse>(HttpStatusCode.OK);

        Assert.Equal(3, new[] { original, first.Secret, second.Secret }.Distinct().Count());
        Assert.Equal(StorageTime.Now(factory.Clock) + TimeSpan.FromHours(24), second.PreviousSecretExpiresAt);
        var delivery = await DeliveredAsync();
        Assert.Equal([Hmac(second.Secret, delivery), Hmac(first.Secret, delivery)], Signatures(delivery));
        Assert.False(WebhookSignature.Verify(original, delivery.Signature, delivery.Body, factory.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task RotateSecret_RetriedWithTheSameIdempotencyKey_AnswersTheSameSecret_AndRotatesOnce()
    {
        var (id, original) = await SubscribeAsync();
        var key = Guid.NewGuid().ToString();

        var rotated = await (await RotateAsync(id, key)).ShouldBeAsync<RotatedSecretResponse>(HttpStatusCode.OK);
        var stored = await StoredSecretsAsync(id);
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        var retry = await (await RotateAsync(id, key)).ShouldBeAsync<RotatedSecretResponse>(HttpStatusCode.OK);

        Assert.NotEqual(original, rotated.Secret);
        Assert.Equal((rotated.Secret, rotated.PreviousSecretExpiresAt), (retry.Secret, retry.PreviousSecretExpiresAt));
        Assert.Equal(stored, await StoredSecretsAsync(id)); // no third secret: the original still signs beside the new one
        var delivery = await DeliveredAsync();
        Assert.Equal([Hmac(rotated.Secret, delivery), Hmac(original, delivery)], Signatures(delivery));

        // The same key for another subscription of the owner's is another request.
        var (otherId, _) = await SubscribeAsync();
        var reused = await (await RotateAsync(otherId, key)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(IdempotencyKeys.ReusedReason, reused.Extensions["reason"]?.ToString());

        // After the overlap the key is forgotten: the same key rotates anew.
        factory.Clock.Advance(TimeSpan.FromHours(24));
        var late = await (await RotateAsync(id, key)).ShouldBeAsync<RotatedSecretResponse>(HttpStatusCode.OK);
        Assert.NotEqual(rotated.Secret, late.Secret);
        Assert.Equal(stored.Current, (await StoredSecretsAsync(id)).Previous);
    }

    [Fact]
    public async Task RotateSecret_OfAnotherOwnersSubscription_Is404AsAnUnknownOne_AndChangesNothing()
    {
        var partner = Guid.NewGuid();
        using var partnerClient = factory.CreatePartnerClient(partner);
        var (toolsId, _) = await SubscribeAsync();
        var before = await StoredSecretsAsync(toolsId);

        var byPartner = await (await Rotate(partnerClient, toolsId, null)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        var unknownId = Guid.CreateVersion7();
        var unknown = await (await Rotate(partnerClient, unknownId, null)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        var badKey = await (await RotateAsync(toolsId, new string('k', IdempotencyKeys.MaxLength + 1))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal((unknown.Title, unknown.Detail!.Replace(unknownId.ToString(), "{id}", StringComparison.Ordinal)),
            (byPartner.Title, byPartner.Detail!.Replace(toolsId.ToString(), "{id}", StringComparison.Ordinal)));
        Assert.Contains(IdempotencyKeys.Header, badKey.Extensions["errors"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, await StoredSecretsAsync(toolsId));
    }

    [Fact]
    public async Task Webhook_TellsWhenItsSecretWasRotated_AndUntilWhenThePreviousOneSigns_InItsReadAndTheList()
    {
        var (id, _) = await SubscribeAsync();
        Assert.Equal((null, null), await SecretStateAsync(_admin, "/api/portal/webhooks", id));

        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        await (await RotateAsync(id)).ShouldBeAsync<RotatedSecretResponse>(HttpStatusCode.OK);
        var rotatedAt = StorageTime.Now(factory.Clock);
        Assert.Equal((rotatedAt, rotatedAt + TimeSpan.FromHours(24)), await SecretStateAsync(_admin, "/api/portal/webhooks", id));

        // An hour later the previous secret still signs; at the end of the overlap it no longer does.
        factory.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal((rotatedAt, rotatedAt + TimeSpan.FromHours(24)), await SecretStateAsync(_admin, "/api/portal/webhooks", id));
        factory.Clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal((rotatedAt, null), await SecretStateAsync(_admin, "/api/portal/webhooks", id));
    }

    [Fact]
    public async Task PartnerWebhook_AndTheWebhooksPage_TellWhenItsSecretWasRotated_AndUntilWhenThePreviousOneSigns()
    {
        var partner = await factory.SignInNewPartnerAsync();
        var created = await (await partner.Browser.SendWithPageTokenAsync(new HttpRequestMessage(HttpMethod.Post, "/portal/api/webhooks")
        {
            Content = JsonContent.Create(new JsonObject { ["url"] = _receiver.Url.ToString(), ["eventTypes"] = new JsonArray("attribution.conversion-attributed") }),
        })).ShouldBeAsync<CreatedWebhookResponse>(HttpStatusCode.Created);
        var id = created.Webhook.Id;
        Assert.Equal((null, null), await SecretStateAsync(partner.Browser.Http, "/portal/api/webhooks", id));
        Assert.Contains(WebhooksPage.NeverRotatedMessage, await PageTextAsync(partner.Browser), StringComparison.Ordinal);

        await (await partner.Browser.SendWithPageTokenAsync(new HttpRequestMessage(HttpMethod.Post, $"/portal/api/webhooks/{id}/secret")))
            .ShouldBeAsync<RotatedSecretResponse>(HttpStatusCode.OK);
        var rotatedAt = StorageTime.Now(factory.Clock);
        factory.Clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal((rotatedAt, rotatedAt + TimeSpan.FromHours(24)), await SecretStateAsync(partner.Browser.Http, "/portal/api/webhooks", id));
        var duringOverlap = await PageTextAsync(partner.Browser);
        Assert.Contains($"Secret rotated {Utc(rotatedAt)}; the previous secret also signs until {Utc(rotatedAt + TimeSpan.FromHours(24))}.",
            duringOverlap, StringComparison.Ordinal);
        Assert.Contains("one v1 signature per secret that still signs: accept the delivery when any of them matches", duringOverlap,
            StringComparison.Ordinal);

        // After the overlap (and a new sign-in: the session has ended by then) only the rotation is left.
        factory.Clock.Advance(TimeSpan.FromHours(23));
        var browser = new PortalBrowser(factory);
        await browser.SignInSuccessfullyAsync(partner.Email, AdminApi.StrongPassword);
        Assert.Equal((rotatedAt, null), await SecretStateAsync(browser.Http, "/portal/api/webhooks", id));
        var page = await PageTextAsync(browser);
        Assert.Contains($"Secret rotated {Utc(rotatedAt)}.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("the previous secret also signs", page, StringComparison.Ordinal);
    }

    /// <summary>
    /// The subscription's <c>secretRotatedAt</c> and <c>previousSecretExpiresAt</c> as read alone, after checking the list
    /// says the same.
    /// </summary>
    private static async Task<(DateTimeOffset? RotatedAt, DateTimeOffset? PreviousExpiresAt)> SecretStateAsync(HttpClient client, string path, Guid id)
    {
        var one = (await (await client.GetAsync($"{path}/{id}", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK))!;
        var list = await (await client.GetAsync($"{path}?limit=100", Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.OK);
        var listed = list["items"]!.AsArray().Single(item => item!["id"]!.GetValue<Guid>() == id)!;
        var state = (Time(one["secretRotatedAt"]), Time(one["previousSecretExpiresAt"]));
        Assert.Equal(state, (Time(listed["secretRotatedAt"]), Time(listed["previousSecretExpiresAt"])));
        return state;
    }

    private static DateTimeOffset? Time(JsonNode? value) => value?.GetValue<DateTimeOffset>();

    private static async Task<string> PageTextAsync(PortalBrowser browser) => WebUtility.HtmlDecode(await browser.GetPageAsync(WebhooksPage.Path));

    private static string Utc(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The next delivery to arrive (a new conversion is published), once it is there.</summary>
    private async Task<ReceivedWebhook> DeliveredAsync()
    {
        var conversion = WebhookTests.Conversion(Guid.NewGuid());
        await factory.PublishAsync(conversion);
        return await Eventually.GetAsync(() => Task.FromResult(_receiver.Received.FirstOrDefault(received => received.EventId == conversion.EventId.ToString())),
            because: "the conversion is delivered");
    }

    /// <summary>The header's <c>v1</c> values in order, after checking its timestamp is the portal's clock.</summary>
    private List<string> Signatures(ReceivedWebhook delivery)
    {
        var parts = delivery.Signature.Split(',').Select(part => part.Split('=', 2)).ToList();
        Assert.Equal(["t", .. Enumerable.Repeat("v1", parts.Count - 1)], parts.Select(pair => pair[0]));
        Assert.Equal(factory.Clock.GetUtcNow().ToUnixTimeSeconds(), long.Parse(parts[0][1], CultureInfo.InvariantCulture));
        return [.. parts.Skip(1).Select(pair => pair[1])];
    }

    private static string Hmac(string secret, ReceivedWebhook delivery)
    {
        var timestamp = delivery.Signature.Split(',')[0]["t=".Length..];
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{delivery.Body}")));
    }

    private async Task<(string Current, string? Previous)> StoredSecretsAsync(Guid id)
    {
        var subscription = await factory.QueryDbAsync(db => db.WebhookSubscriptions.AsNoTracking().SingleAsync(subscription => subscription.Id == id, Ct));
        return (subscription.ProtectedSecret, subscription.PreviousProtectedSecret);
    }

    private Task<HttpResponseMessage> RotateAsync(Guid id, string? idempotencyKey = null) => Rotate(_admin, id, idempotencyKey);

    private static Task<HttpResponseMessage> Rotate(HttpClient client, Guid id, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/portal/webhooks/{id}/secret");
        if (idempotencyKey is not null)
        {
            request.Headers.Add(IdempotencyKeys.Header, idempotencyKey);
        }

        return client.SendAsync(request, Ct);
    }

    /// <summary>A tool's subscription (every conversion) to the receiver, and its secret.</summary>
    private async Task<(Guid Id, string Secret)> SubscribeAsync()
    {
        var created = await (await _admin.PostAsJsonAsync("/api/portal/webhooks", new JsonObject
        {
            ["url"] = _receiver.Url.ToString(), ["eventTypes"] = new JsonArray("attribution.conversion-attributed"),
        }, Ct)).ShouldBeAsync<CreatedWebhookResponse>(HttpStatusCode.Created);
        return (created.Webhook.Id, created.Secret);
    }
}
