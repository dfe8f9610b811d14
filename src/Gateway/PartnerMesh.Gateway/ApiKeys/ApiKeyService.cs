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

    public async Task<CreatedApiKey> CreateAsync(string name, string scope, int rateLimitPerMinute, CancellationToken cancellationToken)
    {
        var created = NewKey(name, scope, rateLimitPerMinute);
        db.ApiKeys.Add(created.Key);
        await db.SaveChangesAsync(cancellationToken);
        return created;
    }

    /// <summary>Creates the <c>bootstrap-admin</c> key unless an active admin key exists; <c>null</c> when one does.</summary>
    public async Task<CreatedApiKey?> CreateBootstrapAdminKeyAsync(CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({BootstrapLockId})", cancellationToken);
        var exists = await db.ApiKeys.AnyAsync(key => key.Scope == PartnerMeshScopes.Admin && key.RevokedAt == null, cancellationToken);
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

    private CreatedApiKey NewKey(string name, string scope, int rateLimitPerMinute)
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
        };
        return new CreatedApiKey(key, ApiKeyFormat.Compose(keyId, secret));
    }
}
