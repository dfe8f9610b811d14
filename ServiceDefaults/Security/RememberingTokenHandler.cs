using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PartnerMesh.ServiceDefaults.Security;

/// <summary>
/// Validates service tokens like <see cref="JsonWebTokenHandler"/>, and remembers each token that passed, by its exact
/// text, until it expires. The gateway and the portal reuse a token for many requests, and checking an ES256 signature
/// was the largest single cost of a request in the services: a remembered token skips it. This is safe because the
/// validation parameters and the trusted keys are fixed for the process's lifetime, and a token's text cannot change:
/// the same text validates the same way until its <c>exp</c>, which is where the memory ends (without the clock skew,
/// so it never outlives a fresh check). Failures are never remembered. Each request gets its own copy of the identity.
/// </summary>
public sealed class RememberingTokenHandler : JsonWebTokenHandler, IDisposable
{
    public const int Capacity = 10_000;

    private readonly MemoryCache _validated = new(new MemoryCacheOptions { SizeLimit = Capacity });
    private readonly TimeProvider _timeProvider;

    public RememberingTokenHandler(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        MapInboundClaims = false;
    }

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (_validated.TryGetValue(token, out ValidatedToken? remembered) && remembered!.ExpiresAt > _timeProvider.GetUtcNow())
        {
            return remembered.ToResult();
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { } securityToken && result.ClaimsIdentity is { } identity
            && securityToken.ValidTo > _timeProvider.GetUtcNow().UtcDateTime)
        {
            var expiresAt = new DateTimeOffset(DateTime.SpecifyKind(securityToken.ValidTo, DateTimeKind.Utc));
            _validated.Set(token, new ValidatedToken(securityToken, identity.Clone(), result.Issuer, result.TokenType, expiresAt),
                new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = expiresAt });
        }

        return result;
    }

    public void Dispose() => _validated.Dispose();

    private sealed record ValidatedToken(SecurityToken Token, ClaimsIdentity Identity, string Issuer, string TokenType, DateTimeOffset ExpiresAt)
    {
        public TokenValidationResult ToResult() => new()
        {
            IsValid = true,
            SecurityToken = Token,
            ClaimsIdentity = Identity.Clone(),
            Issuer = Issuer,
            TokenType = TokenType,
        };
    }
}
