using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Promotions.Api.Idempotency;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Promotions.Api.Infrastructure.Configurations;

public sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("idempotency_keys");
        builder.HasKey(record => new { record.Caller, record.Operation, record.Key });
        builder.Property(record => record.Caller).HasMaxLength(200);
        builder.Property(record => record.Operation).HasMaxLength(32);
        builder.Property(record => record.Key).HasMaxLength(IdempotencyKeys.MaxLength);
        builder.Property(record => record.Fingerprint).HasMaxLength(IdempotencyKeys.FingerprintLength);
        builder.HasIndex(record => record.ExpiresAt);
    }
}
