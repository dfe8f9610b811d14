using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PartnerMesh.ServiceDefaults.Security;

/// <summary>
/// Mints the short-lived ES256 tokens a service accepts as proof of a caller's identity and scopes: signed by
/// <see cref="Issuer"/>, for one service (<c>aud</c>), carrying the key id (<c>kid</c>) verifiers select the key by.
/// </summary>
public sealed class ServiceTokenIssuer(string issuer, ServiceTokenSigningOptions options, TimeProvider timeProvider)
{
    private readonly JsonWebTokenHandler _handler = new();

    // Built once: the key is fixed for the process's lifetime and validated at start.
    private readonly SigningCredentials _credentials = new(ServiceTokenKeys.SigningKey(options.SigningKey), ServiceTokenKeys.Algorithm);

    public string Issuer => issuer;

    public TimeSpan TokenLifetime => options.TokenLifetime;

    public string Issue(string audience, string subject, IEnumerable<string> scopes, Guid? partnerId = null, string? keyId = null)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Sub, subject) };
        claims.AddRange(scopes.Select(scope => new Claim(PartnerMeshClaims.Scope, scope)));
        if (partnerId is { } partner)
        {
            claims.Add(new Claim(PartnerMeshClaims.PartnerId, partner.ToString()));
        }

        if (keyId is not null)
        {
            claims.Add(new Claim(PartnerMeshClaims.KeyId, keyId));
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = now.AddSeconds(-5),
            IssuedAt = now,
            Expires = now.Add(options.TokenLifetime),
            SigningCredentials = _credentials,
        });
    }
}
