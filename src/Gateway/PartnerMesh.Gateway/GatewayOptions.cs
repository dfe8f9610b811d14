using System.ComponentModel.DataAnnotations;

namespace PartnerMesh.Gateway;

/// <summary>The gateway's own settings (section <c>Gateway</c>, env <c>Gateway__MaxRequestBodySize</c>, ...).</summary>
public sealed class GatewayOptions : IValidatableObject
{
    public const string SectionName = "Gateway";

    /// <summary>Largest request body accepted, in bytes; larger bodies get 413.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public long MaxRequestBodySize { get; set; } = 1024 * 1024;

    /// <summary>Requests per minute per client IP on the anonymous routes (<c>/r/{code}</c>, <c>/portal/**</c>).</summary>
    [Range(1, 1_000_000)]
    public int AnonymousRateLimitPerMinute { get; set; } = 300;

    /// <summary>
    /// Sign-in attempts (<c>POST /portal/login</c>) per minute per client IP, counted apart from and instead of
    /// <see cref="AnonymousRateLimitPerMinute"/>: the portal only locks single accounts, so this bounds one client
    /// guessing passwords across many accounts.
    /// </summary>
    [Range(1, 1_000_000)]
    public int SignInRateLimitPerMinute { get; set; } = 10;

    /// <summary>
    /// Failed authentications (missing-but-required keys excepted: malformed, unknown, revoked, expired) a client address
    /// may cause per minute before its further attempts get 429 without a lookup.
    /// </summary>
    [Range(1, 1_000_000)]
    public int FailedAuthenticationsPerMinute { get; set; } = 30;

    /// <summary>Most key lookups (found or not) held in memory; the oldest-used go first when it is full.</summary>
    [Range(100, 10_000_000)]
    public int ApiKeyCacheEntries { get; set; } = 50_000;

    /// <summary>How long a key lookup is cached in memory: the upper bound for a revocation to reach every instance.</summary>
    public TimeSpan ApiKeyCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ApiKeyCacheDuration < TimeSpan.Zero || ApiKeyCacheDuration > TimeSpan.FromSeconds(10))
        {
            yield return new ValidationResult("ApiKeyCacheDuration must be between 0 and 10 seconds.", [nameof(ApiKeyCacheDuration)]);
        }
    }
}
