using System.Globalization;
using System.Net;
using PartnerMesh.Gateway.Diagnostics;
using PartnerMesh.Testing;
using StackExchange.Redis;
using Xunit;
using static PartnerMesh.Gateway.FunctionalTests.ResponseHeaders;

namespace PartnerMesh.Gateway.FunctionalTests;

/// <summary>The default limits: 10 sign-in attempts and 300 other anonymous requests per minute per client IP.</summary>
public sealed class SignInRateLimitGatewayFactory : GatewayFactory
{
    public const int SignInLimit = 10;
    public const int AnonymousLimit = 300;
}

public class SignInRateLimitTests(SignInRateLimitGatewayFactory factory) : IClassFixture<SignInRateLimitGatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignIn_OverTheClientIpLimit_Returns429_WhilePagesAndOtherClientsStillPass()
    {
        using var rejections = new MeasurementRecorder(factory.Services, GatewayMetrics.MeterName, "partnermesh.gateway.rate_limit.rejections");
        var client = factory.CreateAnonymousClient();
        var otherClient = factory.CreateAnonymousClientFrom(GatewayFactory.NewClientIp());
        await RateLimitWindow.EnsureRoomAsync();

        var allowed = new List<HttpResponseMessage>();
        for (var i = 0; i < SignInRateLimitGatewayFactory.SignInLimit; i++)
        {
            allowed.Add(await client.PostAsync("/portal/login", SignInForm(), Ct));
        }

        var rejected = await client.PostAsync("/portal/login", SignInForm(), Ct);
        var page = await client.GetAsync("/portal/login", Ct);
        var otherSignIn = await otherClient.PostAsync("/portal/login", SignInForm(), Ct);

        Assert.All(allowed, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.All(allowed, response => Assert.Equal("10", Header(response, "RateLimit-Limit")));
        Assert.Equal(
            Enumerable.Range(0, 10).Reverse().Select(remaining => remaining.ToString(CultureInfo.InvariantCulture)),
            allowed.Select(response => Header(response, "RateLimit-Remaining")));

        await rejected.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(Header(rejected, "Retry-After")!, CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal("10", Header(rejected, "RateLimit-Limit"));
        Assert.Equal("0", Header(rejected, "RateLimit-Remaining"));
        Assert.Equal(retryAfter.ToString(CultureInfo.InvariantCulture), Header(rejected, "RateLimit-Reset"));
        Assert.Equal("10", Header(rejected, "X-RateLimit-Limit"));
        Assert.Equal("0", Header(rejected, "X-RateLimit-Remaining"));
        Assert.Equal(retryAfter.ToString(CultureInfo.InvariantCulture), Header(rejected, "X-RateLimit-Reset"));
        Assert.NotNull(Header(rejected, "X-Request-Id"));
        Assert.Equal([1.0], rejections.ValuesTagged("kind", "sign_in"));
        Assert.Equal(1, rejections.Sum());

        // The sign-in page itself stays on the general anonymous budget, untouched by the sign-in attempts.
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("300", Header(page, "RateLimit-Limit"));
        Assert.Equal("299", Header(page, "RateLimit-Remaining"));

        Assert.Equal(HttpStatusCode.OK, otherSignIn.StatusCode);
        Assert.Equal("9", Header(otherSignIn, "RateLimit-Remaining"));
    }

    [Fact]
    public async Task SignIn_IsCountedInRedisUnderItsOwnKeys()
    {
        var ip = GatewayFactory.NewClientIp();
        var client = factory.CreateAnonymousClientFrom(ip);
        await RateLimitWindow.EnsureRoomAsync();

        await client.PostAsync("/portal/login", SignInForm(), Ct);
        await client.PostAsync("/portal/login", SignInForm(), Ct);
        await client.GetAsync("/portal/login", Ct);

        var window = RateLimitWindow.CurrentStart();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(factory.Infrastructure.RedisConnectionString);
        var database = redis.GetDatabase();
        var signInKey = $"gateway:ratelimit:signin:{ip}:{window}";
        Assert.Equal(2, (long)await database.StringGetAsync(signInKey));
        Assert.Equal(1, (long)await database.StringGetAsync($"gateway:ratelimit:ip:{ip}:{window}"));
        var ttl = await database.KeyTimeToLiveAsync(signInKey);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(120));
    }

    [Theory]
    [InlineData("POST", "/Portal/Login", SignInRateLimitGatewayFactory.SignInLimit)]
    [InlineData("POST", "/portal/login/", SignInRateLimitGatewayFactory.SignInLimit)]
    [InlineData("POST", "/portal//login", SignInRateLimitGatewayFactory.SignInLimit)]
    [InlineData("GET", "/portal/login", SignInRateLimitGatewayFactory.AnonymousLimit)]
    [InlineData("POST", "/portal/logout", SignInRateLimitGatewayFactory.AnonymousLimit)]
    [InlineData("POST", "/portal/login/extra", SignInRateLimitGatewayFactory.AnonymousLimit)]
    [InlineData("GET", "/r/login", SignInRateLimitGatewayFactory.AnonymousLimit)]
    public async Task Requests_AreCountedOnTheMatchingBudget(string method, string path, int expectedLimit)
    {
        var client = factory.CreateAnonymousClientFrom(GatewayFactory.NewClientIp());

        var response = await client.SendAsync(
            new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? SignInForm() : null }, Ct);

        Assert.Equal(expectedLimit.ToString(CultureInfo.InvariantCulture), Header(response, "RateLimit-Limit"));
    }

    private static FormUrlEncodedContent SignInForm() =>
        new([new("email", "someone@example.com"), new("password", "guess")]);
}
