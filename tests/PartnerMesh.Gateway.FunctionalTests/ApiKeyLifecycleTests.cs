using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Gateway.FunctionalTests;

/// <summary>Keys with an expiry, and rotation without downtime: create the new key, both work, revoke the old.</summary>
public class ApiKeyLifecycleTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateKey_WithExpiry_IsListedWithItAndWorksUntilThen()
    {
        var admin = await factory.CreateAdminClientAsync();
        var expiresAt = DateTimeOffset.UtcNow.AddDays(30);

        var created = await (await admin.PostAsJsonAsync("/api/gateway/keys", new { name = "expiring", scope = "storefront", expiresAt }, Ct))
            .ShouldBeAsync<CreatedApiKeyResponse>(HttpStatusCode.Created);

        Assert.Equal(expiresAt.ToUnixTimeSeconds(), created.ExpiresAt?.ToUnixTimeSeconds());
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateApiKeyClient(created.ApiKey).GetAsync("/api/coupons/x", Ct)).StatusCode);
        var listed = await (await admin.GetAsync($"/api/gateway/keys/{created.Id}", Ct)).ShouldBeAsync<ApiKeyResponse>(HttpStatusCode.OK);
        Assert.Equal(created.ExpiresAt, listed.ExpiresAt);
        Assert.NotNull(listed.LastUsedAt);
    }

    [Fact]
    public async Task ExpiredKey_Returns401()
    {
        var created = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront);
        await factory.QueryDbAsync(db => db.ApiKeys.Where(key => key.Id == created.Key.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(key => key.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)), Ct));
        factory.Services.GetRequiredService<ApiKeyStore>().Forget(created.Key.Id);

        var response = await factory.CreateApiKeyClient(created.PlainTextKey).GetAsync("/api/coupons/x", Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("expired", problem.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(5000)]
    public async Task CreateKey_WithExpiryNotAheadOrTooFar_Returns400(int days)
    {
        var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync(
            "/api/gateway/keys", new { name = "bad", scope = "storefront", expiresAt = DateTimeOffset.UtcNow.AddDays(days) }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"expiresAt\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_BothKeysWorkUntilTheOldIsRevoked()
    {
        var admin = await factory.CreateAdminClientAsync();
        var old = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront, 77, "shop-eu");

        var response = await admin.PostAsync($"/api/gateway/keys/{old.Key.Id}/rotate", null, Ct);

        var rotated = await response.ShouldBeAsync<CreatedApiKeyResponse>(HttpStatusCode.Created);
        Assert.NotEqual(old.Key.Id, rotated.Id);
        Assert.Equal(("shop-eu", "storefront", 77), (rotated.Name, rotated.Scope, rotated.RateLimitPerMinute));
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateApiKeyClient(old.PlainTextKey).GetAsync("/api/coupons/x", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateApiKeyClient(rotated.ApiKey).GetAsync("/api/coupons/x", Ct)).StatusCode);
        var listedOld = await (await admin.GetAsync($"/api/gateway/keys/{old.Key.Id}", Ct)).ShouldBeAsync<ApiKeyResponse>(HttpStatusCode.OK);
        Assert.Equal(rotated.Id, listedOld.ReplacedByKeyId);
        Assert.Null(listedOld.ExpiresAt);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/gateway/keys/{old.Key.Id}", Ct)).StatusCode);

        await (await factory.CreateApiKeyClient(old.PlainTextKey).GetAsync("/api/coupons/x", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateApiKeyClient(rotated.ApiKey).GetAsync("/api/coupons/x", Ct)).StatusCode);
    }

    [Fact]
    public async Task Rotate_WithOverlap_TheOldKeyExpiresThen_AndTheNewKeepsTheLifetime()
    {
        var admin = await factory.CreateAdminClientAsync();
        var old = await (await admin.PostAsJsonAsync(
                "/api/gateway/keys", new { name = "ninety-days", scope = "storefront", expiresAt = DateTimeOffset.UtcNow.AddDays(90) }, Ct))
            .ShouldBeAsync<CreatedApiKeyResponse>(HttpStatusCode.Created);

        var rotated = await (await admin.PostAsJsonAsync($"/api/gateway/keys/{old.Id}/rotate", new { overlapMinutes = 60 }, Ct))
            .ShouldBeAsync<CreatedApiKeyResponse>(HttpStatusCode.Created);

        var listedOld = await (await admin.GetAsync($"/api/gateway/keys/{old.Id}", Ct)).ShouldBeAsync<ApiKeyResponse>(HttpStatusCode.OK);
        Assert.InRange(listedOld.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(61));
        Assert.InRange(rotated.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddDays(89), DateTimeOffset.UtcNow.AddDays(91));
    }

    [Fact]
    public async Task Rotate_TwiceOrAfterRevocation_Returns409()
    {
        var admin = await factory.CreateAdminClientAsync();
        var old = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront);
        var revoked = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront);
        await admin.DeleteAsync($"/api/gateway/keys/{revoked.Key.Id}", Ct);

        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync($"/api/gateway/keys/{old.Key.Id}/rotate", null, Ct)).StatusCode);

        await (await admin.PostAsync($"/api/gateway/keys/{old.Key.Id}/rotate", null, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsync($"/api/gateway/keys/{revoked.Key.Id}/rotate", null, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("aaaaaaaaaaaa")]
    [InlineData("not-a-key-id")]
    public async Task Rotate_UnknownKey_Returns404(string id)
    {
        var admin = await factory.CreateAdminClientAsync();

        await (await admin.PostAsync($"/api/gateway/keys/{id}/rotate", null, Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(-5)]
    [InlineData(1_000_000)]
    public async Task Rotate_WithOverlapOutOfRange_Returns400(int minutes)
    {
        var admin = await factory.CreateAdminClientAsync();
        var old = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront);

        var response = await admin.PostAsJsonAsync($"/api/gateway/keys/{old.Key.Id}/rotate", new { overlapMinutes = minutes }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"overlapMinutes\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_WithStorefrontKey_Returns403()
    {
        var shop = await factory.CreateStorefrontClientAsync();
        var old = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront);

        await (await shop.PostAsync($"/api/gateway/keys/{old.Key.Id}/rotate", null, Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }
}
