using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Analytics.Api.Kpis;

namespace PartnerMesh.Analytics.Api.Infrastructure.Configurations;

public sealed class PartnerDailyKpiConfiguration : IEntityTypeConfiguration<PartnerDailyKpi>
{
    public void Configure(EntityTypeBuilder<PartnerDailyKpi> builder)
    {
        builder.ToTable("partner_daily_kpis");
        builder.HasKey(kpi => new { kpi.PartnerId, kpi.Day }).HasName("PK_partner_daily_kpis");
        builder.Property(kpi => kpi.Day).HasColumnType("date");

        // The admin view reads one day across all partners.
        builder.HasIndex(kpi => kpi.Day);
    }
}
