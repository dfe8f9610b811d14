using Microsoft.EntityFrameworkCore;
using PartnerMesh.Gateway.Infrastructure;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Gateway.ApiKeys;

/// <summary>Creates and revokes keys; used by the admin API and the command line.</summary>
public sealed class ApiKeyService(GatewayDbContext db, ApiKeyStore store, TimeProvider timeProvider)
{
    public const string BootstrapKeyName = "bootstrap-admin";

    // Serializes concurrent bootstrap runs (pg_advisory_xact_lock key; any constant unique to this purpose).
    private const long BootstrapLockId = 0x706d_6761_7465;

    public async Task<CreatedApiKey> CreateAsync(
        string name, string scope, int rateLimitPerMinute, CancellationToken cancellationToken, DateTimeOffset? expiresAt = null)
    {
        var created = NewKey(name, scope, rateLimitPerMinute, expiresAt);
        db.ApiKeys.Add(created.Key);
        await db.SaveChangesAsync(cancellationToken);
        return created;
    }

    /// <summary>
    /// Overlap rotation: a new key with the old one's name, scope, limit and lifetime; both work until the old one is
    /// revoked or, with <paramref name="overlap"/>, expires that long from now. <c>null</c> when the old key is unknown;
    /// <see cref="RotationRefused"/> when it no longer works or was already rotated.
    /// </summary>
    public async Task<(CreatedApiKey? Created, string? RotationRefused)> RotateAsync(
        string keyId, TimeSpan? overlap, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var old = await db.ApiKeys.FromSql($"SELECT * FROM api_keys WHERE key_id = {keyId} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
        if (old is null)
        {
            return (null, null);
        }

        var now = timeProvider.GetUtcNow();
        if (!old.IsActiveAt(now))
        {
            return (null, "The key is revoked or expired: create a new key instead.");
        }

        if (old.ReplacedByKeyId is not null)
        {
            return (null, $"The key was already rotated to {old.ReplacedByKeyId}.");
        }

        var lifetime = old.ExpiresAt - old.CreatedAt;
        var created = NewKey(old.Name, old.Scope, old.RateLimitPerMinute, lifetime is { } span ? now + span : null);
        db.ApiKeys.Add(created.Key);
        old.ReplacedByKeyId = created.Key.Id;
        if (overlap is { } window && (old.ExpiresAt is null || old.ExpiresAt > now + window))
        {
            old.ExpiresAt = now + window;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        store.Forget(keyId);
        return (created, null);
    }

    /// <summary>Creates the <c>bootstrap-admin</c> key unless an active admin key exists; <c>null</c> when one does.</summary>
    public async Task<CreatedApiKey?> CreateBootstrapAdminKeyAsync(CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({BootstrapLockId})", cancellationToken);
        var now = timeProvider.GetUtcNow();
        var exists = await db.ApiKeys.AnyAsync(
            key => key.Scope == PartnerMeshScopes.Admin && key.RevokedAt == null && (key.ExpiresAt == null || key.ExpiresAt > now),
            cancellationToken);
        if (exists)
        {
            return null;
        }

        var created = NewKey(BootstrapKeyName, PartnerMeshScopes.Admin, ApiKeyScopes.DefaultRateLimitPerMinute(PartnerMeshScopes.Admin));
        db.ApiKeys.Add(created.Key);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    /// <summary>Revokes a key (idempotent); <c>false</c> when no key has that id.</summary>
    public async Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(key => key.Id == keyId, cancellationToken);
        if (key is null)
        {
            return false;
        }

        if (key.RevokedAt is null)
        {
            key.RevokedAt = timeProvider.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }

        store.Forget(keyId);
        return true;
    }

    private CreatedApiKey NewKey(string name, string scope, int rateLimitPerMinute, DateTimeOffset? expiresAt = null)
    {
        var keyId = ApiKeyFormat.NewKeyId();
        var secret = ApiKeyFormat.NewSecret();
        var key = new ApiKey
        {
            Id = keyId,
            Name = name,
            Scope = scope,
            SecretHash = ApiKeyFormat.HashSecret(secret),
            RateLimitPerMinute = rateLimitPerMinute,
            CreatedAt = timeProvider.GetUtcNow(),
            // Whole seconds: what PostgreSQL stores and lists back exactly.
            ExpiresAt = expiresAt is { } at ? at.AddTicks(-(at.Ticks % TimeSpan.TicksPerSecond)) : null,
        };
        return new CreatedApiKey(key, ApiKeyFormat.Compose(keyId, secret));
    }
}
