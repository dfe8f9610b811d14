using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Coupons.Api.Codes;

namespace PartnerMesh.Coupons.Api.Infrastructure.Configurations;

public sealed class PartnerStandingConfiguration : IEntityTypeConfiguration<PartnerStanding>
{
    public const string TableName = "partner_standings";

    public void Configure(EntityTypeBuilder<PartnerStanding> builder)
    {
        builder.ToTable(TableName);
        builder.HasKey(standing => standing.PartnerId);
        builder.Property(standing => standing.PartnerId).ValueGeneratedNever();
    }
}
