using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Analytics.Api.Partners;

namespace PartnerMesh.Analytics.Api.Infrastructure.Configurations;

public sealed class PartnerConfiguration : IEntityTypeConfiguration<Partner>
{
    public void Configure(EntityTypeBuilder<Partner> builder)
    {
        builder.ToTable("partners");
        builder.HasKey(partner => partner.Id);
        builder.Property(partner => partner.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(partner => partner.Name).HasColumnName("name");
        builder.Property(partner => partner.Kind).HasColumnName("kind");
        builder.Property(partner => partner.RegisteredAt).HasColumnName("registered_at");
    }
}
