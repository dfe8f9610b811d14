using System.Security.Claims;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.ServiceDefaults.Tests;

/// <summary>
/// A token that validated once is accepted again without a signature check, until its expiry and no longer; a changed
/// token text is checked afresh; each acceptance hands out its own identity.
/// </summary>
public sealed class RememberingTokenHandlerTests : IDisposable
{
    private const string Audience = ResourceNames.PromotionsApi;

    private readonly TestServiceTokens _tokens = new(Audience);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly RememberingTokenHandler _handler;

    public RememberingTokenHandlerTests() => _handler = new RememberingTokenHandler(_time);

    public void Dispose() => _handler.Dispose();

    [Fact]
    public async Task RememberedToken_IsValidAgain_WithItsOwnIdentityEachTime()
    {
        var token = _tokens.For(PartnerMeshScopes.Storefront);

        var first = await _handler.ValidateTokenAsync(token, Parameters());
        var second = await _handler.ValidateTokenAsync(token, Parameters());
        first.ClaimsIdentity.AddClaim(new Claim(PartnerMeshClaims.Scope, PartnerMeshScopes.Admin));
        var third = await _handler.ValidateTokenAsync(token, Parameters());

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.True(third.IsValid);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal([PartnerMeshScopes.Storefront], third.ClaimsIdentity.FindAll(PartnerMeshClaims.Scope).Select(claim => claim.Value));
        Assert.Equal(ServiceTokenIssuers.Gateway, third.Issuer);
        Assert.Equal("test-client", third.ClaimsIdentity.FindFirst("sub")?.Value);
    }

    [Fact]
    public async Task RememberedToken_IsRefusedOnceItExpires()
    {
        var token = _tokens.Issuer(ServiceTokenIssuers.Gateway, _time).Issue(Audience, "test-client", [PartnerMeshScopes.Storefront]);
        Assert.True((await _handler.ValidateTokenAsync(token, Parameters())).IsValid);

        _time.Advance(new ServiceTokenSigningOptions().TokenLifetime + TimeSpan.FromSeconds(1));

        Assert.False((await _handler.ValidateTokenAsync(token, Parameters())).IsValid);
    }

    [Fact]
    public async Task ChangedCopy_OfARememberedToken_IsCheckedAndRefused()
    {
        var token = _tokens.For(PartnerMeshScopes.Storefront);
        Assert.True((await _handler.ValidateTokenAsync(token, Parameters())).IsValid);

        var signatureStart = token.LastIndexOf('.') + 1;
        var tampered = token[..signatureStart] + (token[signatureStart] == 'A' ? 'B' : 'A') + token[(signatureStart + 1)..];

        Assert.False((await _handler.ValidateTokenAsync(tampered, Parameters())).IsValid);
    }

    [Fact]
    public async Task RefusedToken_StaysRefused()
    {
        var forged = _tokens.SignedWithUnknownKey(PartnerMeshScopes.Storefront);

        Assert.False((await _handler.ValidateTokenAsync(forged, Parameters())).IsValid);
        Assert.False((await _handler.ValidateTokenAsync(forged, Parameters())).IsValid);
    }

    // Lifetime on the test's clock, so that expiry can be reached without waiting.
    private TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = ServiceTokenIssuers.Gateway,
        ValidAudience = Audience,
        IssuerSigningKey = ServiceTokenKeys.PublicKey(_tokens.PublicKeyOf(ServiceTokenIssuers.Gateway)),
        ValidAlgorithms = [ServiceTokenKeys.Algorithm],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        LifetimeValidator = (notBefore, expires, _, _) => _time.GetUtcNow().UtcDateTime < expires,
        NameClaimType = "sub",
    };
}
