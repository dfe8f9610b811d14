using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Testing;

/// <summary>
/// The signing secrets a test system uses (one per issuer, fresh per factory) and every kind of token a caller might
/// present to <see cref="Audience"/>: valid ones from the issuer that may grant them, and the forged, expired,
/// misdirected and unsigned ones a service must refuse.
/// </summary>
public sealed class TestServiceTokens(string audience)
{
    private readonly Dictionary<string, string> _secrets = new(StringComparer.Ordinal)
    {
        [ServiceTokenIssuers.Gateway] = NewSecret(),
        [ServiceTokenIssuers.PartnerPortal] = NewSecret(),
        [ServiceTokenIssuers.Promotions] = NewSecret(),
    };

    public string Audience => audience;

    /// <summary>A fresh secret in the form the AppHost generates (44 letters and digits).</summary>
    public static string NewSecret() =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 44);

    public string SecretOf(string issuer) => _secrets[issuer];

    public string PublicKeyOf(string issuer) => ServiceTokenKeys.PublicKeyOf(_secrets[issuer]);

    public ServiceTokenIssuer Issuer(string issuer, TimeProvider? time = null) =>
        new(issuer, new ServiceTokenSigningOptions { SigningKey = _secrets[issuer] }, time ?? TimeProvider.System);

    /// <summary>As the gateway signs for an API key of these scopes.</summary>
    public string For(params string[] scopes) => Issuer(ServiceTokenIssuers.Gateway).Issue(audience, "test-client", scopes, keyId: "test");

    /// <summary>As the portal signs for a partner's session.</summary>
    public string Partner(Guid partnerId) =>
        Issuer(ServiceTokenIssuers.PartnerPortal).Issue(audience, $"partner:{partnerId}", [PartnerMeshScopes.Partner], partnerId);

    /// <summary>A gateway token for another service: valid everywhere but here.</summary>
    public string ForAudience(string otherAudience, params string[] scopes) =>
        Issuer(ServiceTokenIssuers.Gateway).Issue(otherAudience, "test-client", scopes, keyId: "test");

    /// <summary>Signed by the right key, expired an hour ago.</summary>
    public string Expired(params string[] scopes) =>
        Issuer(ServiceTokenIssuers.Gateway, new ShiftedTime(TimeSpan.FromHours(-1))).Issue(audience, "test-client", scopes, keyId: "test");

    /// <summary>Claims to come from the gateway, signed with a key nobody trusts.</summary>
    public string SignedWithUnknownKey(params string[] scopes) =>
        new ServiceTokenIssuer(ServiceTokenIssuers.Gateway, new ServiceTokenSigningOptions { SigningKey = NewSecret() }, TimeProvider.System)
            .Issue(audience, "attacker", scopes, keyId: "test");

    /// <summary><c>alg: none</c>: the right claims and no signature.</summary>
    public string WithoutSignature(params string[] scopes)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var scopeJson = string.Join(",", scopes.Select(scope => $"\"{scope}\""));
        var payload = Base64UrlEncoder.Encode(
            $$"""{"iss":"{{ServiceTokenIssuers.Gateway}}","aud":"{{audience}}","sub":"attacker","scope":[{{scopeJson}}],"nbf":{{now - 5}},"iat":{{now}},"exp":{{now + 300}}}""");
        return $"{header}.{payload}.";
    }

    /// <summary>A token from <paramref name="issuer"/> granting <paramref name="scopes"/>, whether or not it may.</summary>
    public string FromIssuer(string issuer, params string[] scopes) =>
        Issuer(issuer).Issue(audience, $"{issuer}-caller", scopes);

    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}

