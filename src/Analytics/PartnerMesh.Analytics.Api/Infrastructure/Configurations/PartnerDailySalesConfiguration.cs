using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Analytics.Api.Kpis;

namespace PartnerMesh.Analytics.Api.Infrastructure.Configurations;

public sealed class PartnerDailySalesConfiguration : IEntityTypeConfiguration<PartnerDailySales>
{
    public void Configure(EntityTypeBuilder<PartnerDailySales> builder)
    {
        builder.ToTable("partner_daily_sales");
        builder.HasKey(sales => new { sales.PartnerId, sales.Day, sales.Currency });
        builder.Property(sales => sales.PartnerId).HasColumnName("partner_id");
        builder.Property(sales => sales.Day).HasColumnName("day").HasColumnType("date");
        builder.Property(sales => sales.Currency).HasColumnName("currency").HasColumnType("character(3)");
        builder.Property(sales => sales.Orders).HasColumnName("orders");
        builder.Property(sales => sales.Revenue).HasColumnName("revenue").HasColumnType("numeric(18,2)");
        builder.Property(sales => sales.Commission).HasColumnName("commission").HasColumnType("numeric(18,2)");
        builder.Property(sales => sales.UpdatedAt).HasColumnName("updated_at");

        builder.HasIndex(sales => sales.Day).HasDatabaseName("ix_partner_daily_sales_day");
    }
}
