using System.Net;
using System.Text;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// A JSON body's <c>charset</c> on the portal's admin API and its BFF: quoted, it is the same charset (RFC 9110 §5.6.6);
/// one no reader knows is a 415 naming it. Both answered 500.
/// </summary>
public sealed class ContentCharsetTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("charset=bogus", "bogus")]
    [InlineData("charset=\"\"", "")]
    public async Task CreateAccount_WithAnUnsupportedCharset_Returns415NamingIt(string parameter, string charset)
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var body = $$"""{"partnerId":"{{partnerId}}","email":"{{AdminApi.NewEmail()}}","password":"{{AdminApi.StrongPassword}}"}""";

        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Admin)
            .PostAsync("/api/portal/accounts", Json($"application/json; {parameter}", body), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(RequestCharset.UnsupportedDetail(charset), problem.Detail);
    }

    [Fact]
    public async Task CreateAccount_WithAQuotedUtf8Charset_Creates()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        var body = $$"""{"partnerId":"{{partnerId}}","email":"{{email}}","password":"{{AdminApi.StrongPassword}}"}""";

        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Admin)
            .PostAsync("/api/portal/accounts", Json("application/json; charset=\"utf-8\"", body), Ct);

        var account = await response.ShouldBeAsync<AccountResponse>(HttpStatusCode.Created);
        Assert.Equal(partnerId, account.PartnerId);
    }

    [Fact]
    public async Task BffCall_WithAnUnsupportedCharset_Returns415NamingIt()
    {
        var partner = await factory.SignInNewPartnerAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/portal/api/webhooks")
        {
            Content = Json("application/json; charset=bogus", """{"url":"https://hooks.partner.example/a","eventTypes":["attribution.partner-registered"]}"""),
        };

        var response = await partner.Browser.SendWithPageTokenAsync(request);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(RequestCharset.UnsupportedDetail("bogus"), problem.Detail);
    }

    private static ByteArrayContent Json(string contentType, string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        Assert.True(content.Headers.TryAddWithoutValidation("Content-Type", contentType));
        return content;
    }
}
