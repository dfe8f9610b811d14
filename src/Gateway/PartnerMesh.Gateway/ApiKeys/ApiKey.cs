using System.Diagnostics.CodeAnalysis;

namespace PartnerMesh.Gateway.ApiKeys;

/// <summary>
/// A caller's credential. Only the SHA-256 hash of the secret is stored: the secret has 256 bits of entropy, so a slow
/// KDF would add nothing, and the plain key is shown once, at creation.
/// </summary>
public sealed class ApiKey
{
    /// <summary>Longest name accepted (admin API, command line) and stored (<c>api_keys.name</c>).</summary>
    public const int MaxNameLength = 100;

    /// <summary>
    /// Whether <paramref name="name"/> (already trimmed) may name a key: 1 to <see cref="MaxNameLength"/> characters, no
    /// control characters. Otherwise <paramref name="error"/> says why, as the admin API reports it.
    /// </summary>
    public static bool IsValidName([NotNullWhen(true)] string? name, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            error = $"Name is required and has at most {MaxNameLength} characters.";
            return false;
        }

        if (name.Any(char.IsControl))
        {
            error = "Name must not contain control characters.";
            return false;
        }

        error = null;
        return true;
    }

    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Scope { get; init; }

    public required byte[] SecretHash { get; init; }

    public required int RateLimitPerMinute { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>When the key stops working on its own (set at creation, or by a rotation's overlap); null: never.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The key a rotation created to replace this one.</summary>
    public string? ReplacedByKeyId { get; set; }

    /// <summary>The <c>Idempotency-Key</c> of the request that created this key (create or rotate), unique.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Hash of that request, to tell its retry from another request reusing the key.</summary>
    public string? RequestHash { get; init; }

    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}
