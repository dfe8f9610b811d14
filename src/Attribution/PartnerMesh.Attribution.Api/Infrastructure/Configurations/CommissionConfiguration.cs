using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Partners;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

public sealed class CommissionConfiguration : IEntityTypeConfiguration<Commission>
{
    public void Configure(EntityTypeBuilder<Commission> builder)
    {
        builder.HasKey(commission => commission.Id).HasName("PK_commissions");
        builder.Property(commission => commission.Id).ValueGeneratedNever();
        builder.Property(commission => commission.Amount).HasPrecision(18, 2);
        builder.Property(commission => commission.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(commission => commission.Rate).HasPrecision(5, 4);
        builder.Property(commission => commission.Status).HasMaxLength(20);
        // One commission per conversion: a replayed or concurrent conversion can never book a second one.
        builder.HasIndex(commission => commission.ConversionId).IsUnique().HasDatabaseName("ux_commissions_conversion_id");
        builder.HasIndex(commission => new { commission.PartnerId, commission.Status });
        builder.HasOne<Conversion>().WithMany().HasForeignKey(commission => commission.ConversionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Partner>().WithMany().HasForeignKey(commission => commission.PartnerId).OnDelete(DeleteBehavior.Restrict);
    }
}
