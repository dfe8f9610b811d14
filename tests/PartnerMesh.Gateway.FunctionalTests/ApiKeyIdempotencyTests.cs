using PartnerMesh.ServiceDefaults.WebApi;
using System.Net;
using System.Net.Http.Json;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Gateway.FunctionalTests;

/// <summary>Creating and rotating keys with an <c>Idempotency-Key</c>: a retry creates nothing and never shows the secret again.</summary>
public class ApiKeyIdempotencyTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateKey_RetriedWithSameIdempotencyKey_Returns200WithTheSameKeyWithoutSecret_AndCreatesNothing()
    {
        var admin = await factory.CreateAdminClientAsync();
        var name = $"retried-{Guid.NewGuid():N}";
        var key = Guid.NewGuid().ToString();

        var created = await (await PostAsync(admin, "/api/gateway/keys", new { name, scope = "storefront", rateLimitPerMinute = 50 }, key))
            .ShouldBeAsync<CreatedApiKeyResponse>(HttpStatusCode.Created);
        var retry = await PostAsync(admin, "/api/gateway/keys", new { name, scope = "storefront", rateLimitPerMinute = 50 }, key);

        var replayed = await retry.ShouldBeAsync<ApiKeyResponse>(HttpStatusCode.OK);
        Assert.Equal((created.Id, created.Name, created.Scope, created.RateLimitPerMinute), (replayed.Id, replayed.Name, replayed.Scope, replayed.RateLimitPerMinute));
        var body = await retry.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("apiKey", body, StringComparison.OrdinalIgnoreCase);
        // The secret is what follows "pm_{id}_" (base64url: it may itself hold '_', so not the last '_'-separated part).
        Assert.DoesNotContain(created.ApiKey[$"pm_{created.Id}_".Length..], body, StringComparison.Ordinal);
        Assert.Equal([created.Id], await KeyIdsNamedAsync(admin, name));
    }

    [Fact]
    public async Task CreateKey_CreatedAt_IsTheSameInThe201_TheReplayAndAGet()
    {
        var admin = await factory.CreateAdminClientAsync();

        // Several keys: a clock reading may happen to fall on a whole microsecond.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var body = new { name = $"timed-{Guid.NewGuid():N}", scope = "storefront" };
            var key = Guid.NewGuid().ToString();
            var created = await (await PostAsync(admin, "/api/gateway/keys", body, key)).ShouldBeAsync<CreatedApiKeyResponse>(HttpStatusCode.Created);
            var replayed = await (await PostAsync(admin, "/api/gateway/keys", body, key)).ShouldBeAsync<ApiKeyResponse>(HttpStatusCode.OK);
            var read = await (await admin.GetAsync($"/api/gateway/keys/{created.Id}", Ct)).ShouldBeAsync<ApiKeyResponse>(HttpStatusCode.OK);

            Assert.Equal(created.CreatedAt, replayed.CreatedAt);
            Assert.Equal(created.CreatedAt, read.CreatedAt);
        }
    }

    [Fact]
    public async Task CreateKey_SameIdempotencyKeyWithAnotherRequest_Returns409_AndCreatesNothing()
    {
        var admin = await factory.CreateAdminClientAsync();
        var name = $"reused-{Guid.NewGuid():N}";
        var key = Guid.NewGuid().ToString();
        var created = await (await PostAsync(admin, "/api/gateway/keys", new { name, scope = "storefront" }, key))
            .ShouldBeAsync<CreatedApiKeyResponse>(HttpStatusCode.Created);

        var response = await PostAsync(admin, "/api/gateway/keys", new { name, scope = "admin" }, key);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains(created.Id, problem.Detail, StringComparison.Ordinal);
        Assert.Equal([created.Id], await KeyIdsNamedAsync(admin, name));
    }

    [Fact]
    public async Task CreateKey_ConcurrentRetriesWithSameIdempotencyKey_CreateOneKey()
    {
        var admin = await factory.CreateAdminClientAsync();
        var name = $"concurrent-{Guid.NewGuid():N}";
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostAsync(admin, "/api/gateway/keys", new { name, scope = "storefront" }, key)));

        Assert.Single(responses, response => response.StatusCode == HttpStatusCode.Created);
        Assert.All(responses, response => Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        Assert.Single(await KeyIdsNamedAsync(admin, name));
    }

    [Fact]
    public async Task CreateKey_OverLongIdempotencyKey_Returns400_AndCreatesNothing()
    {
        var admin = await factory.CreateAdminClientAsync();
        var name = $"long-{Guid.NewGuid():N}";

        var response = await PostAsync(admin, "/api/gateway/keys", new { name, scope = "storefront" }, new string('k', IdempotencyKeys.MaxLength + 1));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Idempotency-Key", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await KeyIdsNamedAsync(admin, name));
    }

    [Fact]
    public async Task RotateKey_RetriedWithSameIdempotencyKey_Returns200WithTheNewKeyWithoutSecret_AndRotatesOnce()
    {
        var admin = await factory.CreateAdminClientAsync();
        var name = $"rotated-{Guid.NewGuid():N}";
        var old = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront, name: name);
        var key = Guid.NewGuid().ToString();

        var rotated = await (await PostAsync(admin, $"/api/gateway/keys/{old.Key.Id}/rotate", new { overlapMinutes = 5 }, key))
            .ShouldBeAsync<CreatedApiKeyResponse>(HttpStatusCode.Created);
        var retry = await PostAsync(admin, $"/api/gateway/keys/{old.Key.Id}/rotate", new { overlapMinutes = 5 }, key);

        var replayed = await retry.ShouldBeAsync<ApiKeyResponse>(HttpStatusCode.OK);
        Assert.Equal(rotated.Id, replayed.Id);
        Assert.DoesNotContain("apiKey", await retry.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
        Assert.Equal([old.Key.Id, rotated.Id], await KeyIdsNamedAsync(admin, name));
    }

    [Fact]
    public async Task RotateKey_SameIdempotencyKeyWithAnotherRequest_Returns409_AndRotatesNothingMore()
    {
        var admin = await factory.CreateAdminClientAsync();
        var name = $"rotated-{Guid.NewGuid():N}";
        var old = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront, name: name);
        var other = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront, name: name);
        var key = Guid.NewGuid().ToString();
        var rotated = await (await PostAsync(admin, $"/api/gateway/keys/{old.Key.Id}/rotate", null, key))
            .ShouldBeAsync<CreatedApiKeyResponse>(HttpStatusCode.Created);

        var differentOverlap = await PostAsync(admin, $"/api/gateway/keys/{old.Key.Id}/rotate", new { overlapMinutes = 5 }, key);
        var differentKey = await PostAsync(admin, $"/api/gateway/keys/{other.Key.Id}/rotate", null, key);

        await differentOverlap.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        var problem = await differentKey.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains(rotated.Id, problem.Detail, StringComparison.Ordinal);
        Assert.Equal([old.Key.Id, other.Key.Id, rotated.Id], await KeyIdsNamedAsync(admin, name));
    }

    [Fact]
    public async Task RotateKey_OverLongIdempotencyKey_Returns400_AndRotatesNothing()
    {
        var admin = await factory.CreateAdminClientAsync();
        var name = $"rotated-{Guid.NewGuid():N}";
        var old = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront, name: name);

        var response = await PostAsync(admin, $"/api/gateway/keys/{old.Key.Id}/rotate", null, new string('k', IdempotencyKeys.MaxLength + 1));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([old.Key.Id], await KeyIdsNamedAsync(admin, name));
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, object? body, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation(IdempotencyKeys.Header, idempotencyKey);
        return await client.SendAsync(request, Ct);
    }

    private static async Task<List<string>> KeyIdsNamedAsync(HttpClient admin, string name) =>
        [.. (await ApiKeyList.AllAsync(admin)).Keys.Where(key => key.Name == name).Select(key => key.Id)];
}
