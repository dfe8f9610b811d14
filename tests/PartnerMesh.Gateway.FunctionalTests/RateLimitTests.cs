using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.Gateway.Diagnostics;
using PartnerMesh.Redis;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;
using StackExchange.Redis;
using Xunit;
using static PartnerMesh.Gateway.FunctionalTests.ResponseHeaders;

namespace PartnerMesh.Gateway.FunctionalTests;

public sealed class RateLimitedGatewayFactory : GatewayFactory
{
    public const int AnonymousLimit = 3;

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureTestSettings(settings);
        settings["Gateway:AnonymousRateLimitPerMinute"] = AnonymousLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

public class RateLimitTests(RateLimitedGatewayFactory factory) : IClassFixture<RateLimitedGatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ApiKey_OverItsLimit_Returns429WithRetryAfterAndRateLimitHeaders()
    {
        var client = await factory.CreateStorefrontClientAsync(rateLimitPerMinute: 3);
        await RateLimitWindow.EnsureRoomAsync();

        var allowed = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            allowed.Add(await client.GetAsync("/api/coupons/x", Ct));
        }

        var rejected = await client.GetAsync("/api/coupons/x", Ct);

        Assert.All(allowed, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(["2", "1", "0"], allowed.Select(response => Header(response, "RateLimit-Remaining")));
        Assert.All(allowed, response => Assert.Equal("3", Header(response, "RateLimit-Limit")));
        Assert.All(allowed, response => Assert.Equal(Header(response, "RateLimit-Remaining"), Header(response, "X-RateLimit-Remaining")));

        await rejected.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(Header(rejected, "Retry-After")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal("3", Header(rejected, "RateLimit-Limit"));
        Assert.Equal("0", Header(rejected, "RateLimit-Remaining"));
        Assert.Equal(retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(rejected, "RateLimit-Reset"));
        Assert.Equal("3", Header(rejected, "X-RateLimit-Limit"));
        Assert.Equal("0", Header(rejected, "X-RateLimit-Remaining"));
        Assert.NotNull(Header(rejected, "X-RateLimit-Reset"));
        Assert.NotNull(Header(rejected, "X-Request-Id"));
    }

    [Fact]
    public async Task OpenApiDocument_DeclaresTheRateLimitHeaders_AndRetryAfterOn429()
    {
        var document = await (await factory.CreateAnonymousClient().GetAsync("/openapi/v1.json", Ct)).ShouldBeAsync<System.Text.Json.Nodes.JsonObject>(HttpStatusCode.OK);

        var responses = document["paths"]!["/api/gateway/keys"]!["get"]!["responses"]!;
        foreach (var status in new[] { "200", "429" })
        {
            var headers = responses[status]!["headers"]!.AsObject();
            Assert.All(new[] { "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset" },
                name => Assert.Equal("integer", headers[name]?["schema"]?["type"]?.GetValue<string>()));
        }

        Assert.NotNull(responses["429"]!["headers"]!["Retry-After"]);
        Assert.Null(responses["200"]!["headers"]!["Retry-After"]);
        Assert.Null(responses["401"]!["headers"]);
    }

    [Fact]
    public async Task ApiKey_Limits_AreCountedInRedisPerKey()
    {
        var created = await factory.CreateKeyAsync(ServiceDefaults.Security.PartnerMeshScopes.Storefront, 50);
        var client = factory.CreateApiKeyClient(created.PlainTextKey);
        await RateLimitWindow.EnsureRoomAsync();

        await client.GetAsync("/api/coupons/x", Ct);
        await client.GetAsync("/api/coupons/y", Ct);

        var window = RateLimitWindow.CurrentStart();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(factory.Infrastructure.RedisConnectionString);
        var database = redis.GetDatabase();
        var key = $"gateway:ratelimit:{created.Key.Id}:{window}";
        Assert.Equal(2, (long)await database.StringGetAsync(key));
        var ttl = await database.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(120));
    }

    [Fact]
    public async Task ApiKey_Limit_IsSharedByGatewayInstances()
    {
        var created = await factory.CreateKeyAsync(ServiceDefaults.Security.PartnerMeshScopes.Storefront, 2);
        await using var secondInstance = factory.WithWebHostBuilder(_ => { });
        var first = factory.CreateApiKeyClient(created.PlainTextKey);
        var second = secondInstance.CreateClient();
        second.DefaultRequestHeaders.Add("X-Api-Key", created.PlainTextKey);
        await secondInstance.Services.GetRequiredService<RedisConnection>().WhenReadyAsync();
        await RateLimitWindow.EnsureRoomAsync();

        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/coupons/x", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/coupons/x", Ct)).StatusCode);
        await (await second.GetAsync("/api/coupons/x", Ct)).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        await (await first.GetAsync("/api/coupons/x", Ct)).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task AnonymousRoutes_OverTheClientIpLimit_Return429()
    {
        var client = factory.CreateAnonymousClient();
        await RateLimitWindow.EnsureRoomAsync();

        var statuses = new List<HttpStatusCode>();
        foreach (var path in new[] { "/r/a", "/portal/login", "/r/b" })
        {
            var response = await client.GetAsync(path, Ct);
            statuses.Add(response.StatusCode);
            Assert.Equal("3", Header(response, "RateLimit-Limit"));
        }

        var rejected = await client.GetAsync("/r/c", Ct);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        await rejected.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(Header(rejected, "Retry-After"));
    }

    [Fact]
    public async Task Rejection_IsCountedInGatewayMetrics()
    {
        using var rejections = new MeasurementRecorder(factory.Services, GatewayMetrics.MeterName, "partnermesh.gateway.rate_limit.rejections");
        var client = await factory.CreateStorefrontClientAsync(rateLimitPerMinute: 1);
        await RateLimitWindow.EnsureRoomAsync();

        await client.GetAsync("/api/coupons/x", Ct);
        var rejected = await client.GetAsync("/api/coupons/x", Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        Assert.Equal([1.0], rejections.ValuesTagged("kind", "api_key"));
        Assert.Equal(1, rejections.Sum());
    }
}
