using PartnerMesh.ServiceDefaults.WebApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Attribution.Api.Programs;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

public sealed class PartnerConfiguration : IEntityTypeConfiguration<Partner>
{
    public const string UniqueEmailIndex = "ux_partners_normalized_email";
    public const string UniqueCustomerIndex = "ux_partners_program_id_customer_id";
    public const string UniqueIdempotencyKeyIndex = "ux_partners_idempotency_key";

    public void Configure(EntityTypeBuilder<Partner> builder)
    {
        builder.HasKey(partner => partner.Id).HasName("PK_partners");
        builder.Property(partner => partner.Id).ValueGeneratedNever();
        builder.Property(partner => partner.Name).HasMaxLength(PartnerRules.MaxNameLength);
        builder.Property(partner => partner.Email).HasMaxLength(PartnerRules.MaxEmailLength);
        builder.Property(partner => partner.NormalizedEmail).HasMaxLength(PartnerRules.MaxEmailLength);
        builder.Property(partner => partner.Kind).HasMaxLength(20);
        builder.Property(partner => partner.Status).HasMaxLength(20).HasDefaultValue(PartnerStatus.Active);
        builder.Property(partner => partner.CustomerId).HasMaxLength(PartnerRules.MaxCustomerIdLength);
        builder.Property(partner => partner.CommissionRate).HasPrecision(5, 4);
        builder.Property(partner => partner.Budget).HasPrecision(18, Money.StorageScale);
        builder.Property(partner => partner.IdempotencyKey).HasMaxLength(IdempotencyKeys.MaxLength);
        builder.Property(partner => partner.IdempotencyFingerprint).HasMaxLength(IdempotencyKeys.FingerprintLength);
        builder.HasIndex(partner => partner.IdempotencyKey).IsUnique().HasDatabaseName(UniqueIdempotencyKeyIndex);
        builder.HasIndex(partner => partner.NormalizedEmail).IsUnique().HasDatabaseName(UniqueEmailIndex);
        builder.HasIndex(partner => new { partner.ProgramId, partner.CustomerId }).IsUnique().HasDatabaseName(UniqueCustomerIndex)
            .HasFilter("customer_id IS NOT NULL");
        builder.HasOne<PartnerProgram>().WithMany().HasForeignKey(partner => partner.ProgramId).OnDelete(DeleteBehavior.Restrict);
    }
}
