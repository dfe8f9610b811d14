using PartnerMesh.ServiceDefaults.WebApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Gateway.ApiKeys;

namespace PartnerMesh.Gateway.Infrastructure.Configurations;

public sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public const string UniqueIdempotencyKeyIndex = "ux_api_keys_idempotency_key";

    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable(table =>
        {
            table.HasCheckConstraint("ck_api_keys_scope", "scope IN ('storefront', 'admin')");
            table.HasCheckConstraint("ck_api_keys_rate_limit", "rate_limit_per_minute BETWEEN 1 AND 100000");
            table.HasCheckConstraint("ck_api_keys_secret_hash", "octet_length(secret_hash) = 32");
        });
        builder.HasKey(key => key.Id);
        builder.Property(key => key.Id).HasColumnName("key_id").HasMaxLength(ApiKeyFormat.KeyIdLength);
        builder.Property(key => key.Name).HasMaxLength(ApiKey.MaxNameLength);
        builder.Property(key => key.Scope).HasMaxLength(20);
        builder.Property(key => key.ReplacedByKeyId).HasMaxLength(ApiKeyFormat.KeyIdLength);
        builder.Property(key => key.IdempotencyKey).HasMaxLength(IdempotencyKeys.MaxLength);
        builder.Property(key => key.RequestHash).HasMaxLength(64);
        builder.HasIndex(key => key.IdempotencyKey).IsUnique().HasDatabaseName(UniqueIdempotencyKeyIndex);
        builder.HasIndex(key => key.Scope).HasDatabaseName("ix_api_keys_active_scope").HasFilter("revoked_at IS NULL");
    }
}
