using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Gateway.FunctionalTests.ResponseHeaders;

namespace PartnerMesh.Gateway.FunctionalTests;

/// <summary>A gateway whose key cache holds few entries, to show it stays bounded.</summary>
public sealed class SmallKeyCacheGatewayFactory : GatewayFactory
{
    public const int CacheEntries = 100;

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureTestSettings(settings);
        settings["Gateway:ApiKeyCacheEntries"] = CacheEntries.ToString(CultureInfo.InvariantCulture);
        settings["Gateway:FailedAuthenticationsPerMinute"] = "1000";
    }
}

/// <summary>
/// Made-up, malformed and smuggled keys: each address has a small budget of failed authentications, checked before any
/// lookup, so a flood costs the database at most that budget and the gateway's memory stays bounded.
/// </summary>
public class AuthenticationAbuseTests(GatewayFactory factory, SmallKeyCacheGatewayFactory small) : IClassFixture<GatewayFactory>, IClassFixture<SmallKeyCacheGatewayFactory>
{
    private const int Budget = 30; // GatewayOptions.FailedAuthenticationsPerMinute's default

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ApiKeyStore Store => factory.Services.GetRequiredService<ApiKeyStore>();

    [Fact]
    public async Task FloodOfMadeUpKeys_FromOneAddress_IsThrottledBeforeTheDatabase()
    {
        await RateLimitWindow.EnsureRoomAsync();
        var attacker = factory.CreateAnonymousClientFrom(GatewayFactory.NewClientIp());
        var lookupsBefore = Store.DatabaseLookups;

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 200; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/coupons/x");
            request.Headers.Add(ApiKeyAuthentication.HeaderName, MadeUpKey());
            last = await attacker.SendAsync(request, Ct);
            statuses.Add(last.StatusCode);
        }

        Assert.Equal(Budget, statuses.Count(status => status == HttpStatusCode.Unauthorized));
        Assert.Equal(200 - Budget, statuses.Count(status => status == HttpStatusCode.TooManyRequests));
        Assert.All(statuses.Skip(Budget), status => Assert.Equal(HttpStatusCode.TooManyRequests, status));
        Assert.InRange(Store.DatabaseLookups - lookupsBefore, 0, Budget);
        await last.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(int.Parse(Header(last, "Retry-After")!, CultureInfo.InvariantCulture), 1, 60);
    }

    [Fact]
    public async Task ThrottledAddress_DoesNotAffectOtherClients()
    {
        await RateLimitWindow.EnsureRoomAsync();
        var attacker = factory.CreateAnonymousClientFrom(GatewayFactory.NewClientIp());
        for (var i = 0; i <= Budget; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/coupons/x");
            request.Headers.Add(ApiKeyAuthentication.HeaderName, MadeUpKey());
            await attacker.SendAsync(request, Ct);
        }

        var shop = await factory.CreateStorefrontClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await shop.GetAsync("/api/coupons/x", Ct)).StatusCode);
    }

    [Fact]
    public async Task ThrottledAddress_StillServesAKeyThatAuthenticatedRecently_ButNotANewOne()
    {
        await RateLimitWindow.EnsureRoomAsync();
        var sharedAddress = GatewayFactory.NewClientIp();
        var shop = factory.CreateAnonymousClientFrom(sharedAddress);
        var inUse = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront);
        var unused = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(shop, inUse.PlainTextKey)).StatusCode);

        // A misconfigured job behind the same address keeps sending a made-up key.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= Budget; i++)
        {
            statuses.Add((await SendAsync(shop, MadeUpKey())).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(shop, inUse.PlainTextKey)).StatusCode);
        var wrongSecret = ApiKeyFormat.Compose(inUse.Key.Id, ApiKeyFormat.NewSecret());
        await (await SendAsync(shop, wrongSecret)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        var fresh = await SendAsync(shop, unused.PlainTextKey);
        await fresh.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(Header(fresh, "Retry-After"));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/coupons/x");
        request.Headers.TryAddWithoutValidation(ApiKeyAuthentication.HeaderName, key);
        return await client.SendAsync(request, Ct);
    }

    [Theory]
    [InlineData("pm_short")]
    [InlineData("not-a-key-at-all")]
    [InlineData("pm_abcdefghijk1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // '1' is not base32
    [InlineData("pm_abcdefghijkl_!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    public async Task MalformedKey_Returns401WithoutADatabaseLookup(string key)
    {
        var client = factory.CreateAnonymousClientFrom(GatewayFactory.NewClientIp());
        var lookupsBefore = Store.DatabaseLookups;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/promotions/active");
        request.Headers.TryAddWithoutValidation(ApiKeyAuthentication.HeaderName, key);

        var response = await client.SendAsync(request, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(lookupsBefore, Store.DatabaseLookups);
    }

    [Fact]
    public async Task DuplicateApiKeyHeaders_Return401EvenWhenOneIsValid()
    {
        var created = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront);
        var client = factory.CreateAnonymousClientFrom(GatewayFactory.NewClientIp());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/coupons/x");
        request.Headers.TryAddWithoutValidation(ApiKeyAuthentication.HeaderName, [created.PlainTextKey, MadeUpKey()]);

        var response = await client.SendAsync(request, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task MadeUpKeysFromManyAddresses_KeepTheKeyCacheBounded()
    {
        var store = small.Services.GetRequiredService<ApiKeyStore>();

        for (var i = 0; i < SmallKeyCacheGatewayFactory.CacheEntries * 3; i++)
        {
            var client = small.CreateAnonymousClientFrom(GatewayFactory.NewClientIp());
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/coupons/x");
            request.Headers.Add(ApiKeyAuthentication.HeaderName, MadeUpKey());
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(request, Ct)).StatusCode);
        }

        Assert.InRange(store.CachedEntries, 1, SmallKeyCacheGatewayFactory.CacheEntries);
        var throttle = small.Services.GetRequiredService<FailedAuthenticationThrottle>();
        Assert.InRange(throttle.TrackedClients, 1, FailedAuthenticationThrottle.MaxTrackedClients);
    }

    private static string MadeUpKey() => ApiKeyFormat.Compose(ApiKeyFormat.NewKeyId(), ApiKeyFormat.NewSecret());
}
