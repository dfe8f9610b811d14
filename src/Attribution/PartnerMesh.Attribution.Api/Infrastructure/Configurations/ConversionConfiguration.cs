using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Conversions;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

public sealed class ConversionConfiguration : IEntityTypeConfiguration<Conversion>
{
    public const string UniqueOrderIdIndex = "ux_conversions_order_id";

    public void Configure(EntityTypeBuilder<Conversion> builder)
    {
        builder.ToTable("conversions");
        builder.HasKey(conversion => conversion.Id);
        builder.Property(conversion => conversion.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(conversion => conversion.OrderId).HasColumnName("order_id").HasMaxLength(ConversionRules.MaxOrderIdLength);
        builder.Property(conversion => conversion.ClickId).HasColumnName("click_id");
        builder.Property(conversion => conversion.PartnerId).HasColumnName("partner_id");
        builder.Property(conversion => conversion.Attributed).HasColumnName("attributed");
        builder.Property(conversion => conversion.Reason).HasColumnName("reason").HasMaxLength(32);
        builder.Property(conversion => conversion.Amount).HasColumnName("amount").HasPrecision(18, 2);
        builder.Property(conversion => conversion.Currency).HasColumnName("currency").HasMaxLength(3).IsFixedLength();
        builder.Property(conversion => conversion.CommissionAmount).HasColumnName("commission_amount").HasPrecision(18, 2);
        builder.Property(conversion => conversion.OrderedAt).HasColumnName("ordered_at");
        builder.Property(conversion => conversion.CreatedAt).HasColumnName("created_at");
        builder.HasIndex(conversion => conversion.OrderId).IsUnique().HasDatabaseName(UniqueOrderIdIndex);
        builder.HasIndex(conversion => new { conversion.PartnerId, conversion.OrderedAt }).HasDatabaseName("ix_conversions_partner_id_ordered_at");
        builder.HasIndex(conversion => conversion.ClickId).HasDatabaseName("ix_conversions_click_id");
        builder.HasOne<Click>().WithMany().HasForeignKey(conversion => conversion.ClickId).OnDelete(DeleteBehavior.Restrict)
            .HasConstraintName("fk_conversions_clicks_click_id");
    }
}
