using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Attribution.Api.Partners;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

public sealed class PartnerConfiguration : IEntityTypeConfiguration<Partner>
{
    public const string UniqueEmailIndex = "ux_partners_normalized_email";

    public void Configure(EntityTypeBuilder<Partner> builder)
    {
        builder.ToTable("partners");
        builder.HasKey(partner => partner.Id);
        builder.Property(partner => partner.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(partner => partner.Name).HasColumnName("name").HasMaxLength(PartnerRules.MaxNameLength);
        builder.Property(partner => partner.Email).HasColumnName("email").HasMaxLength(PartnerRules.MaxEmailLength);
        builder.Property(partner => partner.NormalizedEmail).HasColumnName("normalized_email").HasMaxLength(PartnerRules.MaxEmailLength);
        builder.Property(partner => partner.Kind).HasColumnName("kind").HasMaxLength(20);
        builder.Property(partner => partner.CommissionRate).HasColumnName("commission_rate").HasPrecision(5, 4);
        builder.Property(partner => partner.CreatedAt).HasColumnName("created_at");
        builder.HasIndex(partner => partner.NormalizedEmail).IsUnique().HasDatabaseName(UniqueEmailIndex);
    }
}
