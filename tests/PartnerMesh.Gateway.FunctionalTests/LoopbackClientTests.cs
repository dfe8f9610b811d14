using System.Net;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Gateway.FunctionalTests;

/// <summary>
/// Services trust forwarded headers from loopback (their gateway); the gateway must not, because any client may connect
/// to it from the same host. A client on loopback can neither choose the address services see nor a fresh rate-limit budget.
/// </summary>
public sealed class LoopbackClientTests(RateLimitedGatewayFactory factory) : IClassFixture<RateLimitedGatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ForwardedForFromLoopbackClient_IsReplacedWithTheClientAddress()
    {
        var adminKey = (await factory.CreateKeyAsync(PartnerMeshScopes.Admin)).PlainTextKey;
        using var loopback = factory.CreateAnonymousClientFrom(IPAddress.Loopback);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/attribution/partners");
        request.Headers.Add("X-Api-Key", adminKey);
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Forwarded-Proto", "https");

        var echoed = await GatewayFactory.EchoAsync(await loopback.SendAsync(request, Ct));

        Assert.Equal("127.0.0.1", echoed.Header("X-Forwarded-For"));
        Assert.Equal("http", echoed.Header("X-Forwarded-Proto"));
    }

    [Fact]
    public async Task ForwardedForFromLoopbackClient_DoesNotBuyAFreshRateLimitBudget()
    {
        using var loopback = factory.CreateAnonymousClientFrom(IPAddress.Loopback);
        await RateLimitWindow.EnsureRoomAsync();

        // Each request claims another client address; were it believed, every one would get a budget of its own.
        // (Other test processes may share loopback's budget in this window, so a 429 may come even sooner.)
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= RateLimitedGatewayFactory.AnonymousLimit; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/r/spoof-{i}");
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{i + 1}");
            statuses.Add((await loopback.SendAsync(request, Ct)).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }
}
