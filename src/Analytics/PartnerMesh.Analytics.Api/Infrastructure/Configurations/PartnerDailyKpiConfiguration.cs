using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Analytics.Api.Kpis;

namespace PartnerMesh.Analytics.Api.Infrastructure.Configurations;

public sealed class PartnerDailyKpiConfiguration : IEntityTypeConfiguration<PartnerDailyKpi>
{
    public void Configure(EntityTypeBuilder<PartnerDailyKpi> builder)
    {
        builder.ToTable("partner_daily_kpis");
        builder.HasKey(kpi => new { kpi.PartnerId, kpi.Day });
        builder.Property(kpi => kpi.PartnerId).HasColumnName("partner_id");
        builder.Property(kpi => kpi.Day).HasColumnName("day").HasColumnType("date");
        builder.Property(kpi => kpi.Clicks).HasColumnName("clicks");
        builder.Property(kpi => kpi.Orders).HasColumnName("orders");
        builder.Property(kpi => kpi.UpdatedAt).HasColumnName("updated_at");

        // The admin view reads one day across all partners.
        builder.HasIndex(kpi => kpi.Day).HasDatabaseName("ix_partner_daily_kpis_day");
    }
}
