using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PartnerMesh.ServiceDefaults.Security;

/// <summary>Mints the short-lived tokens services accept as proof of a caller's identity and scopes.</summary>
public sealed class ServiceTokenIssuer(IOptions<ServiceIdentityOptions> options, TimeProvider timeProvider)
{
    private readonly JsonWebTokenHandler _handler = new();

    // Options are fixed for the container's lifetime (and the key validated at start): build the credentials once.
    private readonly SigningCredentials _credentials = new(CreateKey(options.Value), SecurityAlgorithms.HmacSha256);

    public string Issue(string subject, IEnumerable<string> scopes, Guid? partnerId = null, string? keyId = null)
    {
        var settings = options.Value;
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
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = now.AddSeconds(-5),
            IssuedAt = now,
            Expires = now.Add(settings.TokenLifetime),
            SigningCredentials = _credentials,
        });
    }

    internal static SymmetricSecurityKey CreateKey(ServiceIdentityOptions settings) =>
        new(Convert.FromBase64String(settings.SigningKey));
}
