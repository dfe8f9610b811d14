using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Gateway.FunctionalTests;

public class ProxyRoutingTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/api/attribution/partners/42/links", ResourceNames.AttributionApi)]
    [InlineData("/api/promotions/rules", ResourceNames.PromotionsApi)]
    [InlineData("/api/coupons/WELCOME10/redemptions", ResourceNames.CouponsApi)]
    [InlineData("/api/surveys/7", ResourceNames.SurveysApi)]
    [InlineData("/api/analytics/partners/9/kpis", ResourceNames.AnalyticsApi)]
    [InlineData("/api/portal/partners", ResourceNames.PartnerPortalApi)]
    [InlineData("/api/attribution", ResourceNames.AttributionApi)]
    public async Task ApiRoute_WithKey_ForwardsSamePathAndQueryToItsService(string path, string service)
    {
        var client = await factory.CreateStorefrontClientAsync();

        var echoed = await GatewayFactory.EchoAsync(await client.GetAsync(path + "?from=2024-01-01&page=2", Ct));

        Assert.Equal(service, echoed.Service);
        Assert.Equal("GET", echoed.Method);
        Assert.Equal(path, echoed.Path);
        Assert.Equal("?from=2024-01-01&page=2", echoed.Query);
    }

    [Fact]
    public async Task ApiRoute_Post_ForwardsMethodAndBody()
    {
        var client = await factory.CreateStorefrontClientAsync();

        var response = await client.PostAsync(
            "/api/attribution/conversions", new StringContent("""{"orderId":"o-1","amount":12.5}""", Encoding.UTF8, "application/json"), Ct);

        var echoed = await GatewayFactory.EchoAsync(response);
        Assert.Equal(("POST", 31L), (echoed.Method, echoed.BodyLength));
        Assert.StartsWith("application/json", echoed.Header("Content-Type"));
    }

    [Theory]
    [InlineData(PartnerMeshScopes.Storefront)]
    [InlineData(PartnerMeshScopes.Admin)]
    public async Task ApiRoute_WithKey_ForwardsServiceTokenForTheKey(string scope)
    {
        var created = await factory.CreateKeyAsync(scope);

        var echoed = await GatewayFactory.EchoAsync(await factory.CreateApiKeyClient(created.PlainTextKey).GetAsync("/api/coupons/x", Ct));

        var authorization = AuthenticationHeaderValue.Parse(echoed.Header("Authorization")!);
        Assert.Equal("Bearer", authorization.Scheme);
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(authorization.Parameter, new TokenValidationParameters
        {
            ValidIssuer = ServiceTokenIssuers.Gateway,
            ValidAudience = ResourceNames.CouponsApi,
            IssuerSigningKey = ServiceTokenKeys.PublicKey(factory.Tokens.PublicKeyOf(ServiceTokenIssuers.Gateway)),
            ValidAlgorithms = [ServiceTokenKeys.Algorithm],
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var claims = validation.ClaimsIdentity.Claims.ToList();
        Assert.Equal($"apikey:{created.Key.Id}", claims.Single(c => c.Type == "sub").Value);
        Assert.Equal([scope], claims.Where(c => c.Type == PartnerMeshClaims.Scope).Select(c => c.Value));
        Assert.Equal(created.Key.Id, claims.Single(c => c.Type == PartnerMeshClaims.KeyId).Value);
        Assert.DoesNotContain(claims, c => c.Type == ApiKeyAuthentication.RateLimitClaim);
    }

    [Fact]
    public async Task ApiRoute_TwoRequestsWithSameKey_ReuseTheServiceToken()
    {
        var client = await factory.CreateStorefrontClientAsync();

        var first = await GatewayFactory.EchoAsync(await client.GetAsync("/api/coupons/a", Ct));
        var second = await GatewayFactory.EchoAsync(await client.GetAsync("/api/coupons/b", Ct));

        Assert.Equal(first.Header("Authorization"), second.Header("Authorization"));
    }

    [Fact]
    public async Task ApiRoute_WithAQueryStringOver8K_Returns414Problem()
    {
        var client = await factory.CreateStorefrontClientAsync();
        var path = "/api/coupons/long-" + Guid.NewGuid().ToString("N");

        var response = await client.GetAsync(path + "?q=" + new string('x', 9_000), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestUriTooLong);
        Assert.DoesNotContain(factory.Upstream.Received, r => r.Path == path);
    }

    [Fact]
    public async Task ClickRedirect_WithAGiantQueryString_IsStillForwarded()
    {
        var client = factory.CreateAnonymousClient();
        var query = "?utm_source=" + new string('s', 20_000);

        var echoed = await GatewayFactory.EchoAsync(await client.GetAsync("/r/giant" + query, Ct));

        Assert.Equal(("/r/giant", query), (echoed.Path, echoed.Query));
    }

    [Fact]
    public async Task Request_WithHeadersOver32K_Returns431Problem()
    {
        var client = await factory.CreateStorefrontClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/coupons/big-headers");
        request.Headers.TryAddWithoutValidation("X-Big", new string('h', 40_000));

        var response = await client.SendAsync(request, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestHeaderFieldsTooLarge);
    }

    [Fact]
    public async Task ApiRoute_HeaderWithNonAsciiText_IsForwardedAsUtf8()
    {
        var client = await factory.CreateStorefrontClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/coupons/accents");
        request.Headers.TryAddWithoutValidation("X-Shopper-Note", "café crème ☕");

        var echoed = await GatewayFactory.EchoAsync(await client.SendAsync(request, Ct));

        Assert.Equal("café crème ☕", echoed.Headers["X-Shopper-Note"]);
    }

    [Fact]
    public async Task ApiRoute_ClientCredentialsAndIdentityHeaders_NeverReachTheService()
    {
        var created = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront);
        var client = factory.CreateApiKeyClient(created.PlainTextKey);
        var forged = factory.Tokens.SignedWithUnknownKey(PartnerMeshScopes.Admin);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/attribution/partners");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + forged);
        request.Headers.Add("X-Forwarded-For", "6.6.6.6");
        request.Headers.Add("X-Forwarded-Host", "evil.example");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("Forwarded", "for=6.6.6.6");
        request.Headers.Add("X-Real-IP", "6.6.6.6");
        request.Headers.Add("X-User-Id", "admin");
        request.Headers.Add("X-Partner-Id", Guid.NewGuid().ToString());
        request.Headers.Add("X-Scope", "admin");
        request.Headers.Add("X-Custom", "kept");

        var echoed = await GatewayFactory.EchoAsync(await client.SendAsync(request, Ct));

        Assert.Null(echoed.Header("X-Api-Key"));
        Assert.DoesNotContain(forged, echoed.Header("Authorization"));
        Assert.DoesNotContain(echoed.Headers.Values, value => value.Contains(created.PlainTextKey, StringComparison.Ordinal));
        Assert.Equal(factory.ClientIp.ToString(), echoed.Header("X-Forwarded-For"));
        Assert.Equal("localhost", echoed.Header("X-Forwarded-Host"));
        Assert.Equal("http", echoed.Header("X-Forwarded-Proto"));
        Assert.Null(echoed.Header("Forwarded"));
        Assert.Null(echoed.Header("X-Real-IP"));
        Assert.Null(echoed.Header("X-User-Id"));
        Assert.Null(echoed.Header("X-Partner-Id"));
        Assert.Null(echoed.Header("X-Scope"));
        Assert.Equal("kept", echoed.Header("X-Custom"));
    }

    [Fact]
    public async Task RequestId_ValidFromClient_IsForwardedAndReturned()
    {
        var client = await factory.CreateStorefrontClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/coupons/x");
        request.Headers.Add("X-Request-Id", "order-42.retry_1");

        var response = await client.SendAsync(request, Ct);

        var echoed = await GatewayFactory.EchoAsync(response);
        Assert.Equal("order-42.retry_1", echoed.Header("X-Request-Id"));
        Assert.Equal("order-42.retry_1", response.Headers.GetValues("X-Request-Id").Single());
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("ünicode")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task RequestId_InvalidFromClient_IsReplaced(string invalid)
    {
        var client = await factory.CreateStorefrontClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/coupons/x");
        request.Headers.TryAddWithoutValidation("X-Request-Id", invalid);

        var response = await client.SendAsync(request, Ct);

        var echoed = await GatewayFactory.EchoAsync(response);
        var returned = response.Headers.GetValues("X-Request-Id").Single();
        Assert.NotEqual(invalid, returned);
        Assert.Matches("^[A-Za-z0-9._-]{1,64}$", returned);
        Assert.Equal(returned, echoed.Header("X-Request-Id"));
    }

    [Fact]
    public async Task RequestId_Missing_IsGeneratedAndReturnedOnErrors()
    {
        var response = await factory.CreateAnonymousClient().GetAsync("/api/coupons/x", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Matches("^[A-Za-z0-9._-]{1,64}$", response.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task RequestId_FromClient_IsReturnedOnErrors()
    {
        var client = factory.CreateAnonymousClient();
        client.DefaultRequestHeaders.Add("X-Request-Id", "abc-123");

        var response = await client.GetAsync("/definitely/not/routed", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("abc-123", response.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task ClickRedirect_WithoutKey_ReachesAttributionWithoutCredentials()
    {
        var client = factory.CreateAnonymousClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer whatever");

        var response = await client.GetAsync("/r/abc?utm_source=mail", Ct);

        var echoed = await GatewayFactory.EchoAsync(response);
        Assert.Equal((ResourceNames.AttributionApi, "/r/abc", "?utm_source=mail"), (echoed.Service, echoed.Path, echoed.Query));
        Assert.Null(echoed.Header("Authorization"));
        Assert.Equal(factory.ClientIp.ToString(), echoed.Header("X-Forwarded-For"));
        Assert.Equal("300", response.Headers.GetValues("RateLimit-Limit").Single());
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task ClickRedirect_WithAnotherMethodThanGetOrHead_Returns405ProblemWithoutReachingAttribution(string method)
    {
        var client = factory.CreateAnonymousClient();
        var path = "/r/method-" + Guid.NewGuid().ToString("N");

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(factory.Upstream.Received, r => r.Path == path);
    }

    /// <summary>The forwarder's client cannot send CONNECT (it was a 502 "could not be reached"): the service is asked with
    /// OPTIONS, which it does not serve either, and its 405 with <c>Allow</c> is the answer, key or not.</summary>
    [Theory]
    [InlineData("/api/attribution/partners", true)]
    [InlineData("/portal/login", false)]
    public async Task ProxiedRoute_Connect_Returns405WithTheServicesAllow(string path, bool withKey)
    {
        var client = withKey ? await factory.CreateAdminClientAsync() : factory.CreateAnonymousClient();

        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Connect, path), Ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(EchoUpstream.AllowedMethods, string.Join(", ", response.Content.Headers.Allow));
        Assert.Contains(factory.Upstream.Received, r => r.Path == path && r.Method == "OPTIONS");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal($"CONNECT is not allowed at {path}; use {EchoUpstream.AllowedMethods}.", problem.GetProperty("detail").GetString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ClickRedirect_Head_IsForwarded()
    {
        var client = factory.CreateAnonymousClient();
        var path = "/r/head-" + Guid.NewGuid().ToString("N");

        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(factory.Upstream.Received, r => r.Path == path && r.Method == "HEAD");
    }

    [Fact]
    public async Task ClickRedirect_WithAKey_IsStillAnonymousAndLimitedPerClientIp()
    {
        var created = await factory.CreateKeyAsync(PartnerMeshScopes.Storefront, 5);
        var client = factory.CreateApiKeyClient(created.PlainTextKey);

        var response = await client.GetAsync("/r/xyz", Ct);

        var echoed = await GatewayFactory.EchoAsync(response);
        Assert.Null(echoed.Header("Authorization"));
        Assert.Null(echoed.Header("X-Api-Key"));
        Assert.Equal("300", response.Headers.GetValues("RateLimit-Limit").Single());
    }

    [Theory]
    [InlineData("/portal/login")]
    [InlineData("/portal")]
    [InlineData("/portal/assets/site.css")]
    public async Task Portal_WithoutKey_ReachesPortalWithItsCookieButNoClientAuthorization(string path)
    {
        var client = factory.CreateAnonymousClient();
        client.DefaultRequestHeaders.Add("Cookie", "portal-session=abc");
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer portal-token");

        var echoed = await GatewayFactory.EchoAsync(await client.GetAsync(path, Ct));

        Assert.Equal((ResourceNames.PartnerPortalApi, path), (echoed.Service, echoed.Path));
        Assert.Equal("portal-session=abc", echoed.Header("Cookie"));
        Assert.Null(echoed.Header("Authorization"));
    }

    [Theory]
    [InlineData("/nope")]
    [InlineData("/r/abc/def")]
    [InlineData("/r")]
    [InlineData("/portalx")]
    [InlineData("/attribution-api/health")]
    [InlineData("/favicon.ico")]
    [InlineData("/scalar/v1")]
    [InlineData("/attribution-api/scalar/v1")]
    public async Task UnknownRoute_Returns404ProblemWithoutReachingAnyService(string path)
    {
        var before = factory.Upstream.Received.Count;

        var response = await factory.CreateAnonymousClient().GetAsync(path, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(before, factory.Upstream.Received.Count);
    }

    [Theory]
    [InlineData("/api/attribution/../health")]
    [InlineData("/api/attribution/../../health")]
    [InlineData("/api/coupons/%2E%2E/alive")]
    public async Task ServiceHealthThroughDotSegments_IsNotRouted(string path)
    {
        var client = await factory.CreateStorefrontClientAsync();

        var response = await client.GetAsync(path, Ct);

        Assert.DoesNotContain(factory.Upstream.Received, r => r.Path is "/health" or "/alive");
        if (response.StatusCode == HttpStatusCode.OK)
        {
            // The client resolved the dot segments to the gateway's own probe, which is not the service's.
            Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Ct));
        }
        else
        {
            await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task GatewayHealth_IsTheGatewaysOwnAndNeverProxied()
    {
        var client = factory.CreateAnonymousClient();

        var health = await client.GetAsync("/health", Ct);
        var alive = await client.GetAsync("/alive", Ct);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.DoesNotContain(factory.Upstream.Received, r => r.Path is "/health" or "/alive");
    }

    [Theory]
    [InlineData("/api/coupons/oversized-", 64 * 1024)]
    [InlineData("/api/promotions/oversized-", 64 * 1024)]
    [InlineData("/api/analytics/oversized-", 1024 * 1024)]
    public async Task ApiRoute_WithBodyOverItsServiceLimit_Returns413WithoutReachingTheService(string prefix, int serviceLimit)
    {
        var client = await factory.CreateStorefrontClientAsync();
        var marker = prefix + Guid.NewGuid().ToString("N");

        var response = await client.PostAsync(marker, new ByteArrayContent(new byte[serviceLimit + 1]), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains(serviceLimit.ToString(CultureInfo.InvariantCulture), problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Upstream.Received, r => r.Path == marker);
    }

    [Theory]
    [InlineData("/api/coupons/chunked", 64 * 1024)]
    [InlineData("/api/analytics/chunked", 1024 * 1024)]
    public async Task ApiRoute_WithChunkedBodyOverItsServiceLimit_Returns413(string path, int serviceLimit)
    {
        var client = await factory.CreateStorefrontClientAsync();

        var response = await client.PostAsync(path, new StreamContent(new UnknownLengthStream(new byte[serviceLimit + 10])), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("/api/coupons/upload", 64 * 1024)]
    [InlineData("/api/analytics/upload", 1024 * 1024)]
    public async Task ApiRoute_WithBodyAtItsServiceLimit_IsForwarded(string path, int serviceLimit)
    {
        var client = await factory.CreateStorefrontClientAsync();

        var echoed = await GatewayFactory.EchoAsync(await client.PostAsync(path, new ByteArrayContent(new byte[serviceLimit]), Ct));

        Assert.Equal(serviceLimit, echoed.BodyLength);
    }

    [Fact]
    public async Task ApiRoute_UpstreamError_PassesThroughUnchanged()
    {
        var client = await factory.CreateStorefrontClientAsync();

        var response = await client.GetAsync("/api/coupons/missing?status=404", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.NotEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
