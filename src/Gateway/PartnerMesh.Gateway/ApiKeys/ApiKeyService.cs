using Microsoft.EntityFrameworkCore;
using PartnerMesh.Data;
using PartnerMesh.Gateway.Infrastructure;
using PartnerMesh.Gateway.Infrastructure.Configurations;
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

    /// <summary>Creates a key once per idempotency key: a retry gets the key the first request created, without its secret.</summary>
    public async Task<KeyCreation> CreateAsync(
        string name, string scope, int rateLimitPerMinute, DateTimeOffset? expiresAt, IdempotentRequest? idempotency, CancellationToken cancellationToken)
    {
        if (await ReplayAsync(idempotency, cancellationToken) is { } replay)
        {
            return replay;
        }

        var created = NewKey(name, scope, rateLimitPerMinute, expiresAt, idempotency);
        db.ApiKeys.Add(created.Key);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(ApiKeyConfiguration.UniqueIdempotencyKeyIndex))
        {
            // A concurrent retry with the same idempotency key committed first.
            db.ChangeTracker.Clear();
            return (await ReplayAsync(idempotency, cancellationToken))!;
        }

        return new KeyCreation(created);
    }

    /// <summary>
    /// Overlap rotation: a new key with the old one's name, scope, limit and lifetime; both work until the old one is
    /// revoked or, with <paramref name="overlap"/>, expires that long from now. All null when the old key is unknown;
    /// <see cref="KeyCreation.Refused"/> when it no longer works or was already rotated (unless this is a retry of that rotation).
    /// </summary>
    public async Task<KeyCreation> RotateAsync(string keyId, TimeSpan? overlap, IdempotentRequest? idempotency, CancellationToken cancellationToken)
    {
        if (await ReplayAsync(idempotency, cancellationToken) is { } replay)
        {
            return replay;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var old = await db.ApiKeys.FromSql($"SELECT * FROM api_keys WHERE key_id = {keyId} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
        if (old is null)
        {
            return new KeyCreation();
        }

        var now = StorageTime.Now(timeProvider);
        if (!old.IsActiveAt(now))
        {
            return new KeyCreation(Refused: "The key is revoked or expired: create a new key instead.");
        }

        if (old.ReplacedByKeyId is not null)
        {
            // The lock serialized a concurrent retry behind the rotation it repeats.
            return await ReplayAsync(idempotency, cancellationToken)
                ?? new KeyCreation(Refused: $"The key was already rotated to {old.ReplacedByKeyId}.");
        }

        var lifetime = old.ExpiresAt - old.CreatedAt;
        var created = NewKey(old.Name, old.Scope, old.RateLimitPerMinute, lifetime is { } span ? now + span : null, idempotency);
        db.ApiKeys.Add(created.Key);
        old.ReplacedByKeyId = created.Key.Id;
        if (overlap is { } window && (old.ExpiresAt is null || old.ExpiresAt > now + window))
        {
            old.ExpiresAt = now + window;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(ApiKeyConfiguration.UniqueIdempotencyKeyIndex))
        {
            // The idempotency key was used (by a create) between the replay check and this insert.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return (await ReplayAsync(idempotency, cancellationToken))!;
        }

        await transaction.CommitAsync(cancellationToken);
        store.Forget(keyId);
        return new KeyCreation(created);
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
            key.RevokedAt = StorageTime.Now(timeProvider);
            await db.SaveChangesAsync(cancellationToken);
        }

        store.Forget(keyId);
        return true;
    }

    /// <summary>The key an earlier request with this idempotency key created (never its secret), or a conflict when that request differed.</summary>
    private async Task<KeyCreation?> ReplayAsync(IdempotentRequest? idempotency, CancellationToken cancellationToken)
    {
        if (idempotency is null
            || await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(key => key.IdempotencyKey == idempotency.Key, cancellationToken) is not { } existing)
        {
            return null;
        }

        return existing.RequestHash == idempotency.RequestHash
            ? new KeyCreation(Replayed: existing)
            : new KeyCreation(IdempotencyConflict: $"Idempotency-Key '{idempotency.Key}' was already used for another request, which created key {existing.Id}.");
    }

    private CreatedApiKey NewKey(string name, string scope, int rateLimitPerMinute, DateTimeOffset? expiresAt = null, IdempotentRequest? idempotency = null)
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
            CreatedAt = StorageTime.Now(timeProvider),
            // Whole seconds: what PostgreSQL stores and lists back exactly.
            ExpiresAt = expiresAt is { } at ? at.AddTicks(-(at.Ticks % TimeSpan.TicksPerSecond)) : null,
            IdempotencyKey = idempotency?.Key,
            RequestHash = idempotency?.RequestHash,
        };
        return new CreatedApiKey(key, ApiKeyFormat.Compose(keyId, secret));
    }
}
