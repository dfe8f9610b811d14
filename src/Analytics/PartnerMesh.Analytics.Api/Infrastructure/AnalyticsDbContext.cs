using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Analytics.Api.Partners;
using PartnerMesh.Outbox;

namespace PartnerMesh.Analytics.Api.Infrastructure;

public sealed class AnalyticsDbContext(DbContextOptions<AnalyticsDbContext> options) : DbContext(options)
{
    public DbSet<Partner> Partners => Set<Partner>();

    public DbSet<PartnerDailyKpi> DailyKpis => Set<PartnerDailyKpi>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AnalyticsDbContext).Assembly);
        modelBuilder.AddOutboxAndInbox();
    }
}
