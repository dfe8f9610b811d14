using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>
/// A JSON body's <c>charset</c>: quoted, it is the same charset (RFC 9110 §5.6.6: <c>charset="utf-8"</c>); one no reader
/// knows is a 415 naming it, nothing written. Both answered 500 (the JSON reader's unknown encoding).
/// </summary>
public class ContentCharsetTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("charset=bogus", "bogus")]
    [InlineData("charset=utf-7", "utf-7")]
    [InlineData("charset=\"\"", "")]
    [InlineData("charset=", "")]
    [InlineData("charset=x-unknown", "x-unknown")]
    [InlineData("charset=ibm037", "ibm037")]
    [InlineData("charset=\"bogus\"", "bogus")]
    public async Task CreatePartner_WithAnUnsupportedCharset_Returns415NamingIt_NothingWritten(string parameter, string charset)
    {
        var email = AttributionClientExtensions.UniqueEmail();

        var response = await _admin.PostAsync("/api/attribution/partners", Json($"application/json; {parameter}", PartnerBody("Cs", email)), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(RequestCharset.UnsupportedDetail(charset), problem.Detail);
        Assert.False(await factory.QueryDbAsync(db => db.Partners.AnyAsync(partner => partner.Email == email, Ct)));
    }

    [Theory]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("application/json; charset=\"UTF-8\"")]
    [InlineData("application/json; charset=UTF-8")]
    public async Task CreatePartner_WithAQuotedOrUpperCaseUtf8Charset_Creates(string contentType)
    {
        var response = await _admin.PostAsync(
            "/api/attribution/partners", Json(contentType, PartnerBody("Café", AttributionClientExtensions.UniqueEmail())), Ct);

        var partner = await response.ShouldBeAsync<PartnerResponse>(HttpStatusCode.Created);
        Assert.Equal("Café", partner.Name);
    }

    [Fact]
    public async Task CreatePartner_WithAQuotedLatin1Charset_ReadsTheBodyInLatin1()
    {
        var content = new ByteArrayContent(Encoding.Latin1.GetBytes(PartnerBody("Café", AttributionClientExtensions.UniqueEmail())));
        Assert.True(content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=\"iso-8859-1\""));

        var response = await _admin.PostAsync("/api/attribution/partners", content, Ct);

        var partner = await response.ShouldBeAsync<PartnerResponse>(HttpStatusCode.Created);
        Assert.Equal("Café", partner.Name);
    }

    private static string PartnerBody(string name, string email) => $$"""{"name":"{{name}}","email":"{{email}}","kind":"affiliate","commissionRate":0.1}""";

    private static ByteArrayContent Json(string contentType, string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        Assert.True(content.Headers.TryAddWithoutValidation("Content-Type", contentType));
        return content;
    }
}
