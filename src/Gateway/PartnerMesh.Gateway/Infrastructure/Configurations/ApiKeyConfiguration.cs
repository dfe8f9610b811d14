using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Gateway.ApiKeys;

namespace PartnerMesh.Gateway.Infrastructure.Configurations;

public sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys", table =>
        {
            table.HasCheckConstraint("ck_api_keys_scope", "scope IN ('storefront', 'admin')");
            table.HasCheckConstraint("ck_api_keys_rate_limit", "rate_limit_per_minute BETWEEN 1 AND 100000");
            table.HasCheckConstraint("ck_api_keys_secret_hash", "octet_length(secret_hash) = 32");
        });
        builder.HasKey(key => key.Id).HasName("pk_api_keys");
        builder.Property(key => key.Id).HasColumnName("key_id").HasMaxLength(ApiKeyFormat.KeyIdLength);
        builder.Property(key => key.Name).HasColumnName("name").HasMaxLength(ApiKey.MaxNameLength);
        builder.Property(key => key.Scope).HasColumnName("scope").HasMaxLength(20);
        builder.Property(key => key.SecretHash).HasColumnName("secret_hash");
        builder.Property(key => key.RateLimitPerMinute).HasColumnName("rate_limit_per_minute");
        builder.Property(key => key.CreatedAt).HasColumnName("created_at");
        builder.Property(key => key.RevokedAt).HasColumnName("revoked_at");
        builder.Property(key => key.LastUsedAt).HasColumnName("last_used_at");
        builder.HasIndex(key => key.Scope).HasDatabaseName("ix_api_keys_active_scope").HasFilter("revoked_at IS NULL");
    }
}
