using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Gateway.FunctionalTests;

public class ApiKeyAuthenticationTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/api/attribution/partners")]
    [InlineData("/api/coupons/abc")]
    [InlineData("/api/gateway/keys")]
    [InlineData("/api/nothing-here")]
    public async Task Get_WithoutKey_Returns401ProblemWithChallenge(string path)
    {
        var response = await factory.CreateAnonymousClient().GetAsync(path, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("ApiKey", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("X-Api-Key", problem.Detail);
    }

    [Theory]
    [InlineData("pm_aaaaaaaaaaaa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not-a-key")]
    [InlineData("pm_short_secret")]
    [InlineData("")]
    public async Task Get_WithUnknownOrMalformedKey_Returns401(string key)
    {
        var client = factory.CreateAnonymousClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation(ApiKeyAuthentication.HeaderName, key);

        var response = await client.GetAsync("/api/attribution/partners", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("ApiKey", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.DoesNotContain(factory.Upstream.Received, r => key.Length > 0 && r.Header("X-Api-Key") == key);
    }

    [Fact]
    public async Task Get_WithWrongSecretForExistingKeyId_Returns401()
    {
        var created = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront);
        var forged = ApiKeyFormat.Compose(created.Key.Id, ApiKeyFormat.NewSecret());

        var response = await factory.CreateApiKeyClient(forged).GetAsync("/api/attribution/partners", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Get_WithRevokedKey_Returns401()
    {
        var created = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront);
        var client = factory.CreateApiKeyClient(created.PlainTextKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/attribution/partners", Ct)).StatusCode);

        var admin = await factory.CreateAdminClientAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/gateway/keys/{created.Key.Id}", Ct)).StatusCode);

        var response = await client.GetAsync("/api/attribution/partners", Ct);
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("revoked", problem.Detail);
    }

    [Fact]
    public async Task Revocation_ReachesOtherGatewayInstancesWithinSeconds()
    {
        var created = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront);
        await using var otherInstance = factory.WithWebHostBuilder(_ => { });
        var other = otherInstance.CreateClient();
        other.DefaultRequestHeaders.Add(ApiKeyAuthentication.HeaderName, created.PlainTextKey);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/coupons/x", Ct)).StatusCode);

        var admin = await factory.CreateAdminClientAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/gateway/keys/{created.Key.Id}", Ct)).StatusCode);

        await Eventually.UntilAsync(
            async () => (await other.GetAsync("/api/coupons/x", Ct)).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(15),
            "a revoked key must stop working on every instance within the cache duration");
    }

    [Fact]
    public async Task Get_WithAuthorizationApiKeyScheme_IsAccepted()
    {
        var created = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront);
        var client = factory.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", created.PlainTextKey);

        var echoed = await GatewayFactory.EchoAsync(await client.GetAsync("/api/coupons/WELCOME10", Ct));

        Assert.Equal("/api/coupons/WELCOME10", echoed.Path);
        Assert.StartsWith("Bearer ", echoed.Header("Authorization"));
    }

    [Fact]
    public async Task Get_WithTwoDifferentKeys_Returns401()
    {
        var first = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront);
        var second = await factory.CreateKeyAsync(PartnerMeshScopes.Admin);
        var client = factory.CreateApiKeyClient(first.PlainTextKey);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", second.PlainTextKey);

        var response = await client.GetAsync("/api/coupons/WELCOME10", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("GET", "/api/gateway/keys")]
    [InlineData("POST", "/api/gateway/keys")]
    [InlineData("DELETE", "/api/gateway/keys/aaaaaaaaaaaa")]
    [InlineData("GET", "/api/gateway/anything")]
    public async Task GatewayApi_WithStorefrontKey_Returns403Problem(string method, string path)
    {
        var client = await factory.CreateStorefrontClientAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent("""{"name":"x","scope":"admin"}""", System.Text.Encoding.UTF8, "application/json");
        }

        var response = await client.SendAsync(request, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task UnknownApiPath_WithValidKey_Returns404Problem()
    {
        var client = await factory.CreateStorefrontClientAsync();

        var response = await client.GetAsync("/api/nothing-here/at-all", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Get_WithValidKey_RecordsLastUse()
    {
        var created = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront);

        await factory.CreateApiKeyClient(created.PlainTextKey).GetAsync("/api/analytics/kpis", Ct);

        var lastUsed = await factory.QueryDbAsync(db =>
            db.ApiKeys.Where(key => key.Id == created.Key.Id).Select(key => key.LastUsedAt).SingleAsync(Ct));
        Assert.NotNull(lastUsed);
    }
}
