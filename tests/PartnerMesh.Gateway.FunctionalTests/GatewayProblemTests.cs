using System.Net;
using Microsoft.AspNetCore.Http;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Gateway.FunctionalTests.ResponseHeaders;

namespace PartnerMesh.Gateway.FunctionalTests;

/// <summary>
/// The problems the gateway writes itself all carry <c>type</c>, <c>title</c> and <c>status</c>, and the rate-limit
/// headers are on exactly the answers docs/api.md names: those to a request the limiter counted, not those decided
/// before it (the gateway-wide body limit, the gateway's own scope check).
/// </summary>
public class GatewayProblemTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static readonly string[] RateLimitHeaders =
        ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OverTheKeysRateLimit_429Problem_HasTypeAndTitle()
    {
        var client = await factory.CreateStorefrontClientAsync(rateLimitPerMinute: 1);
        await RateLimitWindow.EnsureRoomAsync();
        await client.GetAsync("/api/coupons/x", Ct);

        var problem = await (await client.GetAsync("/api/coupons/x", Ct)).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);

        Assert.Equal("https://tools.ietf.org/html/rfc6585#section-4", problem.Type);
        Assert.False(string.IsNullOrEmpty(problem.Title));
    }

    [Fact]
    public async Task HeadersOver32K_431Problem_HasTypeAndTitle()
    {
        var client = await factory.CreateStorefrontClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/coupons/big-headers");
        request.Headers.TryAddWithoutValidation("X-Big", new string('h', 40_000));

        var problem = await (await client.SendAsync(request, Ct)).ShouldBeProblemAsync(HttpStatusCode.RequestHeaderFieldsTooLarge);

        Assert.Equal("https://tools.ietf.org/html/rfc6585#section-5", problem.Type);
        Assert.False(string.IsNullOrEmpty(problem.Title));
    }

    [Theory]
    [InlineData("/api/surveys/decisions")]
    [InlineData("/api/coupons/validations")]
    [InlineData("/api/analytics/events")]
    public async Task GzipEncodedBody_Returns415Problem_NotForwarded(string path)
    {
        var client = await factory.CreateStorefrontClientAsync();
        using var compressed = new MemoryStream();
        await using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync("{\"visitorId\":\"x\"}"u8.ToArray(), Ct);
        }

        using var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");

        var response = await client.PostAsync(path, content, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(WebApiOptions.ContentCodingDetail, problem.Detail);
        Assert.Equal("identity", Assert.Single(response.Headers.GetValues("Accept-Encoding")));
        // Refused before the key is read, like the gateway-wide 413: not counted (docs/api.md, rate limits).
        Assert.All(RateLimitHeaders, name => Assert.Null(Header(response, name)));
    }

    [Fact]
    public void EveryStatus_HasAProblemType()
    {
        Assert.Equal("https://tools.ietf.org/html/rfc6585#section-4", Problems.TypeOf(StatusCodes.Status429TooManyRequests));
        Assert.Equal("about:blank", Problems.TypeOf(StatusCodes.Status418ImATeapot));
    }

    [Fact]
    public async Task BodyOverTheRoutesLimit_413_CarriesTheRateLimitHeaders()
    {
        var client = await factory.CreateStorefrontClientAsync();

        var response = await client.PostAsync("/api/coupons/validations", new ByteArrayContent(new byte[WebApiOptions.DefaultMaxRequestBodyBytes + 1]), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.False(string.IsNullOrEmpty(problem.Type));
        Assert.Equal(WebApiOptions.TooLargeTitle, problem.Title);
        Assert.All(RateLimitHeaders, name => Assert.NotNull(Header(response, name)));
    }

    [Fact]
    public async Task UnknownApiPath_404_CarriesTheRateLimitHeaders()
    {
        var client = await factory.CreateStorefrontClientAsync();

        var response = await client.GetAsync("/api/nowhere/at-all", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.All(RateLimitHeaders, name => Assert.NotNull(Header(response, name)));
    }

    /// <summary>The gateway's own key API reads its body itself: a body it cannot read fails the binding, and the exception
    /// handler rewrites the response; the request was counted all the same, so the 400 says so.</summary>
    [Theory]
    [InlineData("/api/gateway/keys", "{\"a\":")]
    [InlineData("/api/gateway/keys", "{\"name\":5,\"scope\":\"admin\"}")]
    [InlineData("/api/gateway/keys", "[]")]
    [InlineData("/api/gateway/keys", "null")]
    [InlineData("/api/gateway/keys/nosuchkey/rotate", "{\"a\":")]
    [InlineData("/api/gateway/keys/nosuchkey/rotate", "{\"overlapMinutes\":\"5\"}")]
    public async Task UnreadableBody_OnTheGatewaysKeyApi_400_CarriesTheRateLimitHeaders(string path, string body)
    {
        var client = await factory.CreateAdminClientAsync();

        var response = await client.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.All(RateLimitHeaders, name => Assert.NotNull(Header(response, name)));
    }

    [Fact]
    public async Task BodyOverTheGatewaysLimit_413_IsRefusedBeforeAuthentication_WithoutRateLimitHeaders()
    {
        var client = await factory.CreateStorefrontClientAsync();

        var response = await client.PostAsync("/api/coupons/validations", new ByteArrayContent(new byte[new GatewayOptions().MaxRequestBodySize + 100_000]), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.False(string.IsNullOrEmpty(problem.Type));
        Assert.Equal(WebApiOptions.TooLargeTitle, problem.Title);
        Assert.All(RateLimitHeaders, name => Assert.Null(Header(response, name)));
    }

    [Fact]
    public async Task StorefrontKey_OnTheGatewaysAdminApi_403Problem_HasType_WithoutRateLimitHeaders()
    {
        var client = await factory.CreateStorefrontClientAsync();

        var response = await client.GetAsync("/api/gateway/keys", Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        Assert.False(string.IsNullOrEmpty(problem.Type));
        Assert.All(RateLimitHeaders, name => Assert.Null(Header(response, name)));
    }
}
