using System.Net;
using System.Text;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;
using static PartnerMesh.Gateway.FunctionalTests.ResponseHeaders;

namespace PartnerMesh.Gateway.FunctionalTests;

/// <summary>
/// A body's <c>charset</c>: a quoted one is the same charset (RFC 9110 §5.6.6), one no reader knows is a 415 naming it —
/// on the gateway's own key API and, before forwarding, on every route (both answered 500).
/// </summary>
public class ContentCharsetTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("charset=bogus", "bogus")]
    [InlineData("charset=utf-7", "utf-7")]
    [InlineData("charset=\"\"", "")]
    [InlineData("charset=x-unknown", "x-unknown")]
    public async Task CreateKey_WithAnUnsupportedCharset_Returns415NamingIt(string parameter, string charset)
    {
        var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsync("/api/gateway/keys", Json($"application/json; {parameter}", """{"name":"cs","scope":"storefront"}"""), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(RequestCharset.UnsupportedDetail(charset), problem.Detail);
    }

    [Theory]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("application/json; charset=\"UTF-8\"")]
    [InlineData("application/json;charset=\"utf-8\"")]
    public async Task CreateKey_WithAQuotedUtf8Charset_Creates(string contentType)
    {
        var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsync("/api/gateway/keys", Json(contentType, """{"name":"Café","scope":"storefront"}"""), Ct);

        var created = await response.ShouldBeAsync<CreatedApiKeyResponse>(HttpStatusCode.Created);
        Assert.Equal("Café", created.Name);
    }

    [Fact]
    public async Task ForwardedRoute_WithAnUnsupportedCharset_Returns415_NotForwarded_WithoutRateLimitHeaders()
    {
        var client = await factory.CreateStorefrontClientAsync();

        var response = await client.PostAsync("/api/coupons/validations", Json("application/json; charset=bogus", """{"code":"X"}"""), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(RequestCharset.UnsupportedDetail("bogus"), problem.Detail);
        Assert.Null(Header(response, "RateLimit-Limit"));
    }

    private static ByteArrayContent Json(string contentType, string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        Assert.True(content.Headers.TryAddWithoutValidation("Content-Type", contentType));
        return content;
    }
}
