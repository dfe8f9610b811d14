using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Attribution.Api.Partners;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

public sealed class PartnerConfiguration : IEntityTypeConfiguration<Partner>
{
    public const string UniqueEmailIndex = "ux_partners_normalized_email";

    public void Configure(EntityTypeBuilder<Partner> builder)
    {
        builder.HasKey(partner => partner.Id).HasName("PK_partners");
        builder.Property(partner => partner.Id).ValueGeneratedNever();
        builder.Property(partner => partner.Name).HasMaxLength(PartnerRules.MaxNameLength);
        builder.Property(partner => partner.Email).HasMaxLength(PartnerRules.MaxEmailLength);
        builder.Property(partner => partner.NormalizedEmail).HasMaxLength(PartnerRules.MaxEmailLength);
        builder.Property(partner => partner.Kind).HasMaxLength(20);
        builder.Property(partner => partner.CommissionRate).HasPrecision(5, 4);
        builder.HasIndex(partner => partner.NormalizedEmail).IsUnique().HasDatabaseName(UniqueEmailIndex);
    }
}
