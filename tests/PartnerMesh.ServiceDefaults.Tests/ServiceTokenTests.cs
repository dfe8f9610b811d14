using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PartnerMesh.ServiceDefaults.Security;
using Xunit;

namespace PartnerMesh.ServiceDefaults.Tests;

/// <summary>Services accept only tokens signed with the shared key, for the right audience, while fresh.</summary>
public sealed class ServiceTokenTests : IAsyncLifetime
{
    private readonly string _signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["ServiceIdentity:SigningKey"] = _signingKey;
        builder.AddServiceAuthentication();
        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapGet("/any", () => "ok");
        _app.MapGet("/admin", () => "ok").RequireAuthorization(PartnerMeshPolicies.Admin);
        _app.MapGet("/partners/{id:guid}", (Guid id, HttpContext context) =>
            context.User.MayReadPartner(id) ? Results.Ok() : Results.Forbid())
            .RequireAuthorization(PartnerMeshPolicies.PartnerOrAdmin);
        await _app.StartAsync(Ct);
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Request_WithoutToken_Returns401()
    {
        var response = await _client.GetAsync("/any", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Request_WithValidToken_IsAuthenticated()
    {
        var response = await SendAsync("/any", Issuer(_signingKey).Issue("caller", [PartnerMeshScopes.Storefront]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_WithTokenSignedByAnotherKey_Returns401()
    {
        var forged = Issuer(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))).Issue("caller", [PartnerMeshScopes.Admin]);
        var response = await SendAsync("/admin", forged);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Request_WithExpiredToken_Returns401()
    {
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        var expired = Issuer(_signingKey, past).Issue("caller", [PartnerMeshScopes.Admin]);
        var response = await SendAsync("/admin", expired);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AdminEndpoint_WithStorefrontScope_Returns403()
    {
        var response = await SendAsync("/admin", Issuer(_signingKey).Issue("caller", [PartnerMeshScopes.Storefront]));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Partner_ReadingAnotherPartner_IsForbidden()
    {
        var partner = Guid.NewGuid();
        var token = Issuer(_signingKey).Issue("portal", [PartnerMeshScopes.Partner], partner);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync($"/partners/{partner}", token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync($"/partners/{Guid.NewGuid()}", token)).StatusCode);
    }

    private static ServiceTokenIssuer Issuer(string key, TimeProvider? time = null) =>
        new(Options.Create(new ServiceIdentityOptions { SigningKey = key }), time ?? TimeProvider.System);

    private Task<HttpResponseMessage> SendAsync(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return _client.SendAsync(request, Ct);
    }
}
