using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Partners;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

public sealed class CommissionConfiguration : IEntityTypeConfiguration<Commission>
{
    public void Configure(EntityTypeBuilder<Commission> builder)
    {
        builder.ToTable("commissions");
        builder.HasKey(commission => commission.Id);
        builder.Property(commission => commission.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(commission => commission.ConversionId).HasColumnName("conversion_id");
        builder.Property(commission => commission.PartnerId).HasColumnName("partner_id");
        builder.Property(commission => commission.Amount).HasColumnName("amount").HasPrecision(18, 2);
        builder.Property(commission => commission.Currency).HasColumnName("currency").HasMaxLength(3).IsFixedLength();
        builder.Property(commission => commission.Rate).HasColumnName("rate").HasPrecision(5, 4);
        builder.Property(commission => commission.Status).HasColumnName("status").HasMaxLength(20);
        builder.Property(commission => commission.CreatedAt).HasColumnName("created_at");
        // One commission per conversion: a replayed or concurrent conversion can never book a second one.
        builder.HasIndex(commission => commission.ConversionId).IsUnique().HasDatabaseName("ux_commissions_conversion_id");
        builder.HasIndex(commission => new { commission.PartnerId, commission.Status }).HasDatabaseName("ix_commissions_partner_id_status");
        builder.HasOne<Conversion>().WithMany().HasForeignKey(commission => commission.ConversionId).OnDelete(DeleteBehavior.Restrict)
            .HasConstraintName("fk_commissions_conversions_conversion_id");
        builder.HasOne<Partner>().WithMany().HasForeignKey(commission => commission.PartnerId).OnDelete(DeleteBehavior.Restrict)
            .HasConstraintName("fk_commissions_partners_partner_id");
    }
}
