using PartnerMesh.ServiceDefaults.WebApi;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Gateway.FunctionalTests;

public class ApiKeyEndpointsTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateKey_AsAdmin_ShowsKeyOnceAndStoresOnlyItsHash()
    {
        var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync("/api/gateway/keys", new { name = "shop-eu", scope = "storefront", rateLimitPerMinute = 42 }, Ct);

        var created = await response.ShouldBeAsync<CreatedApiKeyResponse>(HttpStatusCode.Created);
        Assert.Equal($"/api/gateway/keys/{created.Id}", response.Headers.Location?.ToString());
        Assert.Equal(("shop-eu", "storefront", 42), (created.Name, created.Scope, created.RateLimitPerMinute));
        Assert.True(ApiKeyFormat.TryParse(created.ApiKey, out var keyId, out var secret));
        Assert.Equal(created.Id, keyId);
        Assert.Matches("^pm_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$", created.ApiKey);

        var stored = await factory.QueryDbAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(key => key.Id == created.Id, Ct));
        Assert.Equal(ApiKeyFormat.HashSecret(secret), stored.SecretHash);
        Assert.DoesNotContain(secret, string.Join("|", stored.Id, stored.Name, stored.Scope, Convert.ToBase64String(stored.SecretHash)));

        var shown = await (await admin.GetAsync($"/api/gateway/keys/{created.Id}", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(secret, shown);
        Assert.DoesNotContain("apiKey", shown);
    }

    [Fact]
    public async Task CreateKey_ThenUse_ReachesServices()
    {
        var admin = await factory.CreateAdminClientAsync();
        var created = await (await admin.PostAsJsonAsync("/api/gateway/keys", new { name = "shop", scope = "storefront" }, Ct))
            .ShouldBeAsync<CreatedApiKeyResponse>(HttpStatusCode.Created);

        var echoed = await GatewayFactory.EchoAsync(await factory.CreateApiKeyClient(created.ApiKey).GetAsync("/api/promotions/active", Ct));

        Assert.Equal(ResourceNames.PromotionsApi, echoed.Service);
    }

    [Theory]
    [InlineData("storefront", 600)]
    [InlineData("admin", 120)]
    public async Task CreateKey_WithoutRateLimit_UsesScopeDefault(string scope, int expected)
    {
        var admin = await factory.CreateAdminClientAsync();

        var created = await (await admin.PostAsJsonAsync("/api/gateway/keys", new { name = "defaults", scope }, Ct))
            .ShouldBeAsync<CreatedApiKeyResponse>(HttpStatusCode.Created);

        Assert.Equal(expected, created.RateLimitPerMinute);
    }

    [Fact]
    public async Task CreateKey_AdminKey_CanManageKeys()
    {
        var admin = await factory.CreateAdminClientAsync();
        var created = await (await admin.PostAsJsonAsync("/api/gateway/keys", new { name = "ops", scope = "admin" }, Ct))
            .ShouldBeAsync<CreatedApiKeyResponse>(HttpStatusCode.Created);

        var response = await factory.CreateApiKeyClient(created.ApiKey).GetAsync("/api/gateway/keys", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ListKeys_ShowsKeysWithoutSecretsOrHashes()
    {
        var admin = await factory.CreateAdminClientAsync();
        var created = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront, 77, "listed");
        Assert.True(ApiKeyFormat.TryParse(created.PlainTextKey, out _, out var secret));

        var (keys, bodies) = await ApiKeyList.AllAsync(admin);

        var body = string.Join('\n', bodies);
        var listed = Assert.Single(keys, key => key.Id == created.Key.Id);
        Assert.Equal(("listed", "storefront", 77), (listed.Name, listed.Scope, listed.RateLimitPerMinute));
        Assert.Null(listed.RevokedAt);
        Assert.DoesNotContain(secret, body);
        Assert.DoesNotContain(Convert.ToBase64String(created.Key.SecretHash), body);
        Assert.DoesNotContain("hash", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("apiKey", body);
    }

    [Fact]
    public async Task ListKeys_WithLimit_PagesThroughEveryKeyOnce_InCreationOrder()
    {
        var admin = await factory.CreateAdminClientAsync();
        var name = $"paged-{Guid.NewGuid():N}"[..20];
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await factory.CreateKeyAsync(PartnerMeshScopes.Storefront, name: name)).Key.Id);
        }

        var (keys, _) = await ApiKeyList.AllAsync(admin, limit: 2);

        Assert.Equal(created, keys.Where(key => key.Name == name).Select(key => key.Id));
        Assert.Equal(keys.Count, keys.Select(key => key.Id).Distinct().Count());
        Assert.Equal(keys.OrderBy(key => key.CreatedAt).Select(key => key.CreatedAt), keys.Select(key => key.CreatedAt));
    }

    [Fact]
    public async Task ListKeys_WithoutLimit_ReturnsTheFirst50_AndACursorToTheRest()
    {
        var admin = await factory.CreateAdminClientAsync();
        for (var i = 0; i <= ApiKeyPaging.DefaultLimit; i++)
        {
            await factory.CreateKeyAsync(PartnerMeshScopes.Storefront, name: "bulk");
        }

        var page = await (await admin.GetAsync("/api/gateway/keys", Ct)).ShouldBeAsync<PageResponse<ApiKeyResponse>>(HttpStatusCode.OK);

        Assert.Equal(ApiKeyPaging.DefaultLimit, page.Items.Count);
        Assert.NotNull(page.NextCursor);
        var next = await (await admin.GetAsync($"/api/gateway/keys?after={page.NextCursor}", Ct)).ShouldBeAsync<PageResponse<ApiKeyResponse>>(HttpStatusCode.OK);
        Assert.Empty(next.Items.Select(key => key.Id).Intersect(page.Items.Select(key => key.Id)));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("after=not-a-cursor", "after")]
    [InlineData("after=AAAAAAAAAAAAAAAAAAAAAAAAAAA", "after")]
    public async Task ListKeys_WithBadLimitOrCursor_Returns400Problem(string query, string field)
    {
        var admin = await factory.CreateAdminClientAsync();

        var problem = await (await admin.GetAsync($"/api/gateway/keys?{query}", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains($"\"{field}\"", problem.Extensions["errors"]!.ToString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListKeys_WalksEveryKeyOnce_AndRefusesAnotherListsTamperedAndMadeUpCursors()
    {
        var admin = await factory.CreateAdminClientAsync();
        for (var i = 0; i < 3; i++)
        {
            await factory.CreateKeyAsync(PartnerMeshScopes.Storefront);
        }

        await CursorPaging.WalkAsync(admin, "/api/gateway/keys", cancellationToken: Ct);
        var own = await CursorPaging.FirstCursorAsync(admin, "/api/gateway/keys", Ct);
        // Every service's list is behind this gateway: another list's cursor is one a caller could well hold.
        await CursorPaging.AssertForgeriesRefusedAsync(
            admin, "/api/gateway/keys", own, Paging.EncodeCursor("attribution.partners", Guid.CreateVersion7()), cancellationToken: Ct);
    }

    [Fact]
    public async Task RevokeKey_Known_Returns204AndMarksItRevoked()
    {
        var admin = await factory.CreateAdminClientAsync();
        var created = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront);

        var response = await admin.DeleteAsync($"/api/gateway/keys/{created.Key.Id}", Ct);
        var again = await admin.DeleteAsync($"/api/gateway/keys/{created.Key.Id}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        var listed = await (await admin.GetAsync($"/api/gateway/keys/{created.Key.Id}", Ct)).ShouldBeAsync<ApiKeyResponse>(HttpStatusCode.OK);
        Assert.NotNull(listed.RevokedAt);
        await (await factory.CreateApiKeyClient(created.PlainTextKey).GetAsync("/api/coupons/x", Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("aaaaaaaaaaaa")]
    [InlineData("not-a-key-id")]
    public async Task RevokeKey_Unknown_Returns404Problem(string id)
    {
        var admin = await factory.CreateAdminClientAsync();

        var response = await admin.DeleteAsync($"/api/gateway/keys/{id}", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GetKey_Unknown_Returns404Problem()
    {
        var admin = await factory.CreateAdminClientAsync();

        var response = await admin.GetAsync("/api/gateway/keys/aaaaaaaaaaaa", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"scope":"storefront"}""", "name")]
    [InlineData("""{"name":"  ","scope":"storefront"}""", "name")]
    [InlineData("""{"name":"x","scope":"partner"}""", "scope")]
    [InlineData("""{"name":"x","scope":"Admin"}""", "scope")]
    [InlineData("""{"name":"x"}""", "scope")]
    [InlineData("""{"name":"x","scope":"admin","rateLimitPerMinute":0}""", "rateLimitPerMinute")]
    [InlineData("""{"name":"x","scope":"admin","rateLimitPerMinute":-5}""", "rateLimitPerMinute")]
    [InlineData("""{"name":"x","scope":"admin","rateLimitPerMinute":100001}""", "rateLimitPerMinute")]
    public async Task CreateKey_WithInvalidFields_Returns400ValidationProblem(string json, string field)
    {
        var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsync("/api/gateway/keys", Json(json), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains($"\"{field}\"", body);
    }

    [Fact]
    public async Task CreateKey_WithNameOver100Characters_Returns400()
    {
        var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync("/api/gateway/keys", new { name = new string('n', 101), scope = "admin" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("""{"name":"x","scope":""")]
    [InlineData("""not json""")]
    [InlineData("""{"name":"x","scope":"admin","rateLimitPerMinute":"many"}""")]
    [InlineData("""{"name":42,"scope":"admin"}""")]
    [InlineData("""{"name":"x","scope":"admin","rateLimitPerMinute":1e99}""")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    public async Task CreateKey_WithMalformedBody_Returns400Problem(string json)
    {
        var admin = await factory.CreateAdminClientAsync();
        var before = await factory.QueryDbAsync(db => db.ApiKeys.CountAsync(Ct));

        var response = await admin.PostAsync("/api/gateway/keys", Json(json), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(before, await factory.QueryDbAsync(db => db.ApiKeys.CountAsync(Ct)));
    }

    [Fact]
    public async Task CreateKey_WithOversizedBody_Returns413Problem()
    {
        var admin = await factory.CreateAdminClientAsync();
        var json = $$"""{"name":"{{new string('n', 1024 * 1024)}}","scope":"admin"}""";

        var response = await admin.PostAsync("/api/gateway/keys", Json(json), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task CreateKey_WithOversizedChunkedBody_Returns413Problem()
    {
        var admin = await factory.CreateAdminClientAsync();
        var json = $$"""{"name":"{{new string('n', 1024 * 1024)}}","scope":"admin"}""";
        using var content = new StreamContent(new UnknownLengthStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var response = await admin.PostAsync("/api/gateway/keys", content, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task CreateKey_WithNonJsonContentType_Returns415Problem()
    {
        var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsync("/api/gateway/keys", new StringContent("name=x", Encoding.UTF8, "text/plain"), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Keys_WithUnsupportedMethod_Returns405Problem()
    {
        var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PutAsync("/api/gateway/keys", Json("{}"), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
