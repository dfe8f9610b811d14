using PartnerMesh.ServiceDefaults.WebApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Coupons.Api.Common;

namespace PartnerMesh.Coupons.Api.Infrastructure.Configurations;

public sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("idempotency_keys");
        builder.HasKey(record => new { record.Operation, record.Key });
        builder.Property(record => record.Operation).HasMaxLength(32);
        builder.Property(record => record.Key).HasMaxLength(IdempotencyKeys.MaxLength);
        builder.Property(record => record.Fingerprint).HasMaxLength(64);
        builder.HasIndex(record => record.CreatedAt);
    }
}
