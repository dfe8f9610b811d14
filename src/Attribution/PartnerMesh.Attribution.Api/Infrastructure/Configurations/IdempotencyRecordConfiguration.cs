using PartnerMesh.ServiceDefaults.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

public sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public const string PrimaryKey = "PK_idempotency_records";

    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("idempotency_records");
        builder.HasKey(record => new { record.Caller, record.Operation, record.Key }).HasName(PrimaryKey);
        builder.Property(record => record.Caller).HasMaxLength(Actor.MaxLength);
        builder.Property(record => record.Operation).HasMaxLength(64);
        builder.Property(record => record.Key).HasMaxLength(IdempotencyKeys.MaxLength);
        builder.Property(record => record.Fingerprint).HasMaxLength(IdempotencyKeys.FingerprintLength);
        builder.Property(record => record.Response).HasColumnType("jsonb");
        builder.HasIndex(record => record.CreatedAt);
    }
}
