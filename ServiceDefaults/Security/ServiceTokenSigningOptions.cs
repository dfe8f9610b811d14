using System.ComponentModel.DataAnnotations;

namespace PartnerMesh.ServiceDefaults.Security;

/// <summary>
/// The signing side, only in the processes that mint service tokens: a secret injected by the AppHost
/// (<c>ServiceTokens__SigningKey</c>), never committed (see <see cref="ServiceTokenKeys"/> for its forms).
/// </summary>
public sealed class ServiceTokenSigningOptions
{
    public const string SectionName = "ServiceTokens";

    [Required]
    [MinLength(ServiceTokenKeys.MinimumSecretLength)]
    public string SigningKey { get; set; } = "";

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
