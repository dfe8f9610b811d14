namespace PartnerMesh.PartnerPortal.Api.Accounts;

/// <summary>A person who signs in to the portal on behalf of one partner.</summary>
public sealed class PortalAccount
{
    public Guid Id { get; init; }

    public Guid PartnerId { get; init; }

    /// <summary>As entered (trimmed), for display.</summary>
    public required string Email { get; init; }

    /// <summary>The email folded by <see cref="AccountRules.NormalizeEmail"/>; unique among active accounts.</summary>
    public required string NormalizedEmail { get; init; }

    /// <summary>PBKDF2 hash from ASP.NET Core Identity's <c>PasswordHasher</c>; the password itself is never stored.</summary>
    public required string PasswordHash { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? LastSignInAt { get; set; }

    /// <summary>Set when an admin deletes the account: it can no longer sign in and its sessions end.</summary>
    public DateTimeOffset? DisabledAt { get; set; }

    /// <summary>The <c>Idempotency-Key</c> the admin API created it with; unique.</summary>
    public string? IdempotencyKey { get; init; }
}
