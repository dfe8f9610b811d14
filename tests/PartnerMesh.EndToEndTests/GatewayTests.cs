using System.Net;
using System.Net.Http.Json;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>The gateway's guarantees, observed from outside with every service running.</summary>
public sealed class GatewayTests(SystemFixture system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ApiCall_WithoutKey_Returns401()
    {
        using var anonymous = system.CreateAnonymousClient();

        var response = await anonymous.GetAsync("/api/attribution/partners", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AdminEndpoint_WithStorefrontKey_Returns403FromTheService()
    {
        using var storefront = system.CreateStorefrontClient();

        var response = await storefront.PostAsJsonAsync("/api/attribution/partners",
            new { name = "Sneaky", email = "sneaky@example.com", kind = "affiliate", commissionRate = 0.5m }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task UnknownRoute_Returns404ProblemDetails()
    {
        using var admin = system.CreateAdminClient();

        var response = await admin.GetAsync("/api/nothing-here/at-all", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/api/attribution/health")]
    [InlineData("/api/analytics/alive")]
    public async Task ServiceProbes_AreNotRouted(string path)
    {
        using var admin = system.CreateAdminClient();

        var response = await admin.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task OverTheRateLimit_Returns429WithRetryAfter()
    {
        using var admin = system.CreateAdminClient();
        var created = await admin.PostAsJsonAsync("/api/gateway/keys", new { name = "tiny", scope = "storefront", rateLimitPerMinute = 2 }, Ct);
        var key = (await created.Content.ReadFromJsonAsync<CreatedKey>(Ct))!.ApiKey;
        using var limited = system.CreateAnonymousClient();
        limited.DefaultRequestHeaders.Add("X-Api-Key", key);
        await RateLimitWindow.EnsureRoomAsync();

        HttpResponseMessage response;
        var calls = 0;
        do
        {
            response = await limited.GetAsync("/api/attribution/conversions/none", Ct);
            calls++;
        }
        while (response.StatusCode != HttpStatusCode.TooManyRequests && calls < 10);

        // Two calls fit in the window; the third is refused (a fourth only if the minute rolled over in between).
        Assert.InRange(calls, 3, 4);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.True(response.Headers.Contains("RateLimit-Limit"));
        await response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task OversizedBody_Returns413ProblemDetails()
    {
        using var storefront = system.CreateStorefrontClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/attribution/conversions")
        {
            Content = new StringContent(new string('x', 2 * 1024 * 1024), System.Text.Encoding.UTF8, "application/json"),
        };
        // As a client sending a large body should: the gateway answers 413 from the headers, and without the 100-continue
        // handshake the client may still be writing the 2 MB when the gateway closes the connection (a broken pipe, not
        // the answer: seen once under load).
        request.Headers.ExpectContinue = true;

        var response = await storefront.SendAsync(request, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task MalformedJson_Returns400ProblemDetailsFromTheService()
    {
        using var storefront = system.CreateStorefrontClient();
        using var body = new StringContent("{\"orderId\": 5, \"amount\": \"abc\"", System.Text.Encoding.UTF8, "application/json");

        var response = await storefront.PostAsync("/api/attribution/conversions", body, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Response_CarriesTheCallersRequestId()
    {
        using var admin = system.CreateAdminClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/attribution/partners?limit=1");
        request.Headers.Add("X-Request-Id", "e2e-request-42");

        var response = await admin.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("e2e-request-42", Assert.Single(response.Headers.GetValues("X-Request-Id")));
    }

    [Fact]
    public async Task EveryService_IsHealthy()
    {
        foreach (var service in SystemFixture.Services)
        {
            using var http = new HttpClient { BaseAddress = system.GetServiceUrl(service) };
            var response = await http.GetAsync("/health", Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{service}: {(int)response.StatusCode}");
        }
    }

    /// <summary>
    /// Header smuggling reaches Kestrel, not our code: a bare CR or an obsolete line fold inside a header value is a 400,
    /// headers beyond Kestrel's 32 KB a 431 — sent raw, as no well-behaved client would.
    /// </summary>
    [Theory]
    [InlineData("X-Api-Key: pm_abc\rX-Scope: admin\r\n", 400)]
    [InlineData("X-Api-Key: pm_abc\r\n X-Scope: admin\r\n", 400)]
    [InlineData("X-Padding: {padding}\r\n", 431)]
    public async Task SmuggledOrOversizedHeaders_AreRefusedBeforeAnyService(string header, int expected)
    {
        var raw = header.Replace("{padding}", new string('a', 40_000), StringComparison.Ordinal);

        var status = await SendRawAsync($"GET /api/coupons/x HTTP/1.1\r\nHost: {system.GatewayUrl.Authority}\r\n{raw}Connection: close\r\n\r\n");

        Assert.Equal(expected, status);
    }

    private async Task<int> SendRawAsync(string request)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(system.GatewayUrl.Host, system.GatewayUrl.Port, Ct);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request), Ct);
        using var reader = new StreamReader(stream, System.Text.Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync(Ct) ?? "";
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed record CreatedKey(string ApiKey);
}
