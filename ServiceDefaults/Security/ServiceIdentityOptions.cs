using System.ComponentModel.DataAnnotations;

namespace PartnerMesh.ServiceDefaults.Security;

/// <summary>
/// How the gateway (and the portal) vouch for a caller to the services behind them: a short-lived HMAC-signed JWT.
/// The signing key is a secret injected by the AppHost (<c>ServiceIdentity__SigningKey</c>), never committed.
/// </summary>
public sealed class ServiceIdentityOptions
{
    public const string SectionName = "ServiceIdentity";

    /// <summary>Base64 key of at least 32 bytes.</summary>
    [Required]
    [MinLength(44)]
    public string SigningKey { get; set; } = "";

    public string Issuer { get; set; } = "partnermesh";

    public string Audience { get; set; } = "partnermesh-services";

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
