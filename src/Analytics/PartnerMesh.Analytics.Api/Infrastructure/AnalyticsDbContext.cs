using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerDirectory;

namespace PartnerMesh.Analytics.Api.Infrastructure;

public sealed class AnalyticsDbContext(DbContextOptions<AnalyticsDbContext> options) : DbContext(options)
{
    public DbSet<KnownPartner> Partners => Set<KnownPartner>();

    public DbSet<PartnerDailyKpi> DailyKpis => Set<PartnerDailyKpi>();

    public DbSet<PartnerDailySales> DailySales => Set<PartnerDailySales>();

    public DbSet<ClickConversion> ClickConversions => Set<ClickConversion>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AnalyticsDbContext).Assembly);
        modelBuilder.AddPartnerDirectory();
        modelBuilder.AddOutboxAndInbox();
    }
}
