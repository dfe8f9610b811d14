using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Analytics.Api.Kpis;

namespace PartnerMesh.Analytics.Api.Infrastructure.Configurations;

public sealed class PartnerDailySalesConfiguration : IEntityTypeConfiguration<PartnerDailySales>
{
    public void Configure(EntityTypeBuilder<PartnerDailySales> builder)
    {
        builder.ToTable("partner_daily_sales");
        builder.HasKey(sales => new { sales.PartnerId, sales.Day, sales.Currency }).HasName("PK_partner_daily_sales");
        builder.Property(sales => sales.Day).HasColumnType("date");
        builder.Property(sales => sales.Currency).HasColumnType("character(3)");
        // Four decimals like every amount analytics keeps: two would round a KWD (three-decimal) order's money.
        builder.Property(sales => sales.Revenue).HasColumnType(AnalyticsDbContext.Money);
        builder.Property(sales => sales.GrossRevenue).HasColumnType(AnalyticsDbContext.Money);
        builder.Property(sales => sales.Commission).HasColumnType(AnalyticsDbContext.Money);

        builder.HasIndex(sales => sales.Day);
    }
}
