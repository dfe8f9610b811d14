using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.ServiceDefaults.Tests;

/// <summary>
/// The Scalar API reference is served next to the OpenAPI document, anonymously, in Development only, on a host wired
/// like a service (every endpoint requires a token unless it allows anonymous callers).
/// </summary>
public sealed class ApiReferenceTests
{
    private static readonly TestServiceTokens Tokens = new(ResourceNames.AttributionApi);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/scalar/v1")]
    [InlineData("/scalar/")]
    public async Task ApiReference_InDevelopment_IsAnonymousHtml(string path)
    {
        await using var app = await StartAsync(Environments.Development);
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        var page = await client.GetAsync(path, Ct);
        var script = await client.GetAsync("/scalar/scalar.js", Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Testing")]
    public async Task ApiReference_OutsideDevelopment_IsNotMappedWhileTheDocumentStaysPublished(string environment)
    {
        await using var app = await StartAsync(environment);
        using var anonymous = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        using var admin = new HttpClient { BaseAddress = anonymous.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", Tokens.For(PartnerMeshScopes.Admin));

        var page = await admin.GetAsync("/scalar/v1", Ct);
        var anonymousPage = await anonymous.GetAsync("/scalar/v1", Ct);
        var document = await anonymous.GetAsync("/openapi/v1.json", Ct);

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        // Like any other path a service does not map: an anonymous caller learns nothing.
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousPage.StatusCode);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }

    private static async Task<WebApplication> StartAsync(string environment)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["ServiceIdentity:Issuers:gateway:0"] = Tokens.PublicKeyOf(ServiceTokenIssuers.Gateway);
        builder.AddBasicServiceDefaults();
        builder.AddWebApiDefaults();
        builder.AddServiceAuthentication(Tokens.Audience);
        var app = builder.Build();
        app.UseWebApiDefaults();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapDefaultEndpoints();
        app.MapGet("/api/things", () => "ok");
        await app.StartAsync(Ct);
        return app;
    }
}
