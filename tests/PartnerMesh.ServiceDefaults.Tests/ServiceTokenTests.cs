using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.ServiceDefaults.Tests;

/// <summary>
/// A service accepts only ES256 tokens for its own audience, signed by a key of the issuer they name, unexpired, and
/// granting only scopes that issuer may grant; during a rotation both of an issuer's keys verify.
/// </summary>
public sealed class ServiceTokenTests : IAsyncLifetime
{
    private const string Audience = ResourceNames.AttributionApi;

    private readonly TestServiceTokens _tokens = new(Audience);
    private readonly string _nextGatewayKey = TestServiceTokens.NewSecret();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await StartAsync(new Dictionary<string, string?>
        {
            ["ServiceIdentity:Issuers:gateway:0"] = _tokens.PublicKeyOf(ServiceTokenIssuers.Gateway),
            ["ServiceIdentity:Issuers:gateway:1"] = ServiceTokenKeys.PublicKeyOf(_nextGatewayKey),
            ["ServiceIdentity:Issuers:partner-portal-api:0"] = _tokens.PublicKeyOf(ServiceTokenIssuers.PartnerPortal),
        });
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
    public async Task GatewayToken_ForThisService_IsAuthenticated()
    {
        var response = await SendAsync("/admin", _tokens.For(PartnerMeshScopes.Admin));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_CarriesTheKeyIdOfItsSigningKey()
    {
        var token = new JsonWebToken(_tokens.For(PartnerMeshScopes.Storefront));

        Assert.Equal("ES256", token.Alg);
        Assert.Equal(ServiceTokenKeys.KeyIdOf(ServiceTokenKeys.PublicKey(_tokens.PublicKeyOf(ServiceTokenIssuers.Gateway))), token.Kid);
        Assert.Equal((ServiceTokenIssuers.Gateway, Audience), (token.Issuer, token.Audiences.Single()));
    }

    public static TheoryData<string> Refused => ["unknown-key", "expired", "other-audience", "alg-none", "portal-grants-admin", "promotions-not-trusted-here", "key-of-another-issuer"];

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task AdminToken_NotVouchedFor_Returns401(string kind)
    {
        var token = kind switch
        {
            "unknown-key" => _tokens.SignedWithUnknownKey(PartnerMeshScopes.Admin),
            "expired" => _tokens.Expired(PartnerMeshScopes.Admin),
            "other-audience" => _tokens.ForAudience(ResourceNames.CouponsApi, PartnerMeshScopes.Admin),
            "alg-none" => _tokens.WithoutSignature(PartnerMeshScopes.Admin),
            "portal-grants-admin" => _tokens.FromIssuer(ServiceTokenIssuers.PartnerPortal, PartnerMeshScopes.Admin),
            "promotions-not-trusted-here" => _tokens.FromIssuer(ServiceTokenIssuers.Promotions, PartnerMeshScopes.Storefront),
            // The portal's own key, claiming to be the gateway: a token is checked against its issuer's keys only.
            _ => new ServiceTokenIssuer(
                    ServiceTokenIssuers.Gateway,
                    new ServiceTokenSigningOptions { SigningKey = _tokens.SecretOf(ServiceTokenIssuers.PartnerPortal) },
                    TimeProvider.System)
                .Issue(Audience, "forger", [PartnerMeshScopes.Admin]),
        };

        var response = await SendAsync("/admin", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AdminEndpoint_WithStorefrontScope_Returns403()
    {
        var response = await SendAsync("/admin", _tokens.For(PartnerMeshScopes.Storefront));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Partner_ReadingAnotherPartner_IsForbidden()
    {
        var partner = Guid.NewGuid();
        var token = _tokens.Partner(partner);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync($"/partners/{partner}", token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync($"/partners/{Guid.NewGuid()}", token)).StatusCode);
    }

    /// <summary>
    /// The rotation of docs/security.md: while both keys are trusted, tokens of the old key (still in flight) and of
    /// the new one (the gateway switched) verify; once the old key is retired, its tokens no longer do.
    /// </summary>
    [Fact]
    public async Task Rotation_BothKeysVerifyWhileTrusted_TheRetiredOneNoLonger()
    {
        var signedWithNext = new ServiceTokenIssuer(ServiceTokenIssuers.Gateway, new ServiceTokenSigningOptions { SigningKey = _nextGatewayKey }, TimeProvider.System)
            .Issue(Audience, "gateway-after-rotation", [PartnerMeshScopes.Admin]);
        var signedWithOld = _tokens.For(PartnerMeshScopes.Admin);
        Assert.NotEqual(new JsonWebToken(signedWithNext).Kid, new JsonWebToken(signedWithOld).Kid);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/admin", signedWithNext)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/admin", signedWithOld)).StatusCode);

        await using var retired = await StartAsync(new Dictionary<string, string?>
        {
            ["ServiceIdentity:Issuers:gateway:0"] = ServiceTokenKeys.PublicKeyOf(_nextGatewayKey),
        });
        using var client = new HttpClient { BaseAddress = new Uri(retired.Urls.Single()) };
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/admin", signedWithNext, client)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("/admin", signedWithOld, client)).StatusCode);
    }

    [Fact]
    public void SigningKey_FromPem_SignsTokensItsPublicKeyVerifies()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = ecdsa.ExportECPrivateKeyPem();

        Assert.Equal(Convert.ToBase64String(ecdsa.ExportSubjectPublicKeyInfo()), ServiceTokenKeys.PublicKeyOf(pem));
        Assert.Equal(ServiceTokenKeys.PublicKeyOf(pem), ServiceTokenKeys.PublicKeyOf(pem));
    }

    [Theory]
    [InlineData("too-short")]
    [InlineData("-----BEGIN EC PRIVATE KEY-----\nnot a key\n-----END EC PRIVATE KEY-----")]
    public void SigningKey_Unusable_IsRefused(string secret) =>
        Assert.ThrowsAny<Exception>(() => ServiceTokenKeys.SigningKey(secret));

    [Fact]
    public async Task Start_WithoutAnyTrustedKey_FailsWithAClearMessage()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync([]));
        Assert.Contains("ServiceIdentity:Issuers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithAKeyOfAnUnknownIssuer_FailsWithAClearMessage()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new Dictionary<string, string?>
        {
            ["ServiceIdentity:Issuers:somebody:0"] = _tokens.PublicKeyOf(ServiceTokenIssuers.Gateway),
        }));
        Assert.Contains("not a known token issuer", error.Message, StringComparison.Ordinal);
    }

    private static async Task<WebApplication> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }

        builder.AddServiceAuthentication(Audience);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/any", () => "ok");
        app.MapGet("/admin", () => "ok").RequireAuthorization(PartnerMeshPolicies.Admin);
        app.MapGet("/partners/{id:guid}", (Guid id, HttpContext context) =>
            context.User.MayReadPartner(id) ? Results.Ok() : Results.Forbid())
            .RequireAuthorization(PartnerMeshPolicies.PartnerOrAdmin);
        try
        {
            await app.StartAsync(Ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    private Task<HttpResponseMessage> SendAsync(string path, string token, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (client ?? _client).SendAsync(request, Ct);
    }
}
