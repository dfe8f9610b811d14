using System.Net;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Gateway.FunctionalTests;

/// <summary>Redis unreachable, surveys-api not configured, analytics-api configured on a port nobody listens on.</summary>
public sealed class UnhealthyDependenciesGatewayFactory : GatewayFactory
{
    protected override bool RedisReachable => false;

    protected override void ConfigureTestSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureTestSettings(settings);
        settings[$"ConnectionStrings:{ResourceNames.Redis}"] = $"127.0.0.1:{TestPorts.Closed},connectTimeout=1000";
        settings.Remove($"services:{ResourceNames.SurveysApi}:http:0");
        settings[$"services:{ResourceNames.AnalyticsApi}:http:0"] = $"http://127.0.0.1:{TestPorts.Closed}";
    }
}

public class UnhealthyDependenciesTests(UnhealthyDependenciesGatewayFactory factory) : IClassFixture<UnhealthyDependenciesGatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RedisUnreachable_RequestsStillPassAndLimitsHoldInMemory()
    {
        var client = await factory.CreateStorefrontClientAsync(rateLimitPerMinute: 2);
        await RateLimitWindow.EnsureRoomAsync();

        var first = await client.GetAsync("/api/coupons/x", Ct);
        var second = await client.GetAsync("/api/coupons/x", Ct);
        var third = await client.GetAsync("/api/coupons/x", Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("1", first.Headers.GetValues("RateLimit-Remaining").Single());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await third.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task RedisUnreachable_SignInLimitHoldsInMemory()
    {
        var client = factory.CreateAnonymousClient();
        await RateLimitWindow.EnsureRoomAsync();

        var allowed = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            allowed.Add((await client.PostAsync("/portal/login", new FormUrlEncodedContent([]), Ct)).StatusCode);
        }

        var rejected = await client.PostAsync("/portal/login", new FormUrlEncodedContent([]), Ct);
        var page = await client.GetAsync("/portal/login", Ct);

        Assert.All(allowed, status => Assert.Equal(HttpStatusCode.OK, status));
        await rejected.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("10", rejected.Headers.GetValues("RateLimit-Limit").Single());
        Assert.NotNull(rejected.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("300", page.Headers.GetValues("RateLimit-Limit").Single());
    }

    [Fact]
    public async Task RedisUnreachable_HealthIsDegradedButUp()
    {
        var response = await factory.CreateAnonymousClient().GetAsync("/health", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Degraded", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task ServiceWithoutAddress_Returns503ProblemWithRetryAfter()
    {
        var client = await factory.CreateStorefrontClientAsync();

        var response = await client.GetAsync("/api/surveys/1", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.DoesNotContain(factory.Upstream.Received, r => r.Service == ResourceNames.SurveysApi);
    }

    [Fact]
    public async Task ServiceNotListening_Returns503ProblemWithRetryAfter()
    {
        var client = await factory.CreateStorefrontClientAsync();

        var response = await client.GetAsync("/api/analytics/kpis", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.NotNull(response.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task OtherServices_StillWork()
    {
        var client = await factory.CreateStorefrontClientAsync();

        var echoed = await GatewayFactory.EchoAsync(await client.GetAsync("/api/attribution/partners", Ct));

        Assert.Equal(ResourceNames.AttributionApi, echoed.Service);
    }
}
