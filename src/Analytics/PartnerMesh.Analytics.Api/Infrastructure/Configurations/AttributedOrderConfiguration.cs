using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Analytics.Api.Kpis;

namespace PartnerMesh.Analytics.Api.Infrastructure.Configurations;

public sealed class AttributedOrderConfiguration : IEntityTypeConfiguration<AttributedOrder>
{
    public void Configure(EntityTypeBuilder<AttributedOrder> builder)
    {
        builder.ToTable("attributed_orders");
        builder.HasKey(order => order.OrderId).HasName("PK_attributed_orders");
        builder.Property(order => order.Day).HasColumnType("date");
        builder.Property(order => order.Currency).HasColumnType("character(3)");
        builder.Property(order => order.Amount).HasColumnType(AnalyticsDbContext.Money);
        builder.Property(order => order.Commission).HasColumnType(AnalyticsDbContext.Money);
        builder.Property(order => order.RefundedAmount).HasColumnType(AnalyticsDbContext.Money);
        builder.Property(order => order.CommissionReversed).HasColumnType(AnalyticsDbContext.Money);
        builder.Property(order => order.CommissionCurrency).HasColumnType("character(3)");
    }
}
