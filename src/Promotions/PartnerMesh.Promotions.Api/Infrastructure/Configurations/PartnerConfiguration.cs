using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Promotions.Api.Partners;

namespace PartnerMesh.Promotions.Api.Infrastructure.Configurations;

public sealed class PartnerConfiguration : IEntityTypeConfiguration<Partner>
{
    public void Configure(EntityTypeBuilder<Partner> builder)
    {
        builder.ToTable("partners");
        builder.HasKey(partner => partner.Id);
        builder.Property(partner => partner.Id).HasColumnName("id").ValueGeneratedNever();
        // Unbounded text: a replica must accept whatever attribution, the owner of partners, accepted.
        builder.Property(partner => partner.Name).HasColumnName("name");
        builder.Property(partner => partner.Kind).HasColumnName("kind");
        builder.Property(partner => partner.RegisteredAt).HasColumnName("registered_at");
        builder.HasIndex(partner => new { partner.RegisteredAt, partner.Id }).HasDatabaseName("ix_partners_registered_at_id");
    }
}
