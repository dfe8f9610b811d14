using Microsoft.EntityFrameworkCore;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Campaigns;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Kpis;
using PartnerMesh.Analytics.Api.Reporting;
using PartnerMesh.Analytics.Api.Scorecards;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerDirectory;

namespace PartnerMesh.Analytics.Api.Infrastructure;

public sealed class AnalyticsDbContext(DbContextOptions<AnalyticsDbContext> options) : DbContext(options)
{
    /// <summary>
    /// Every amount analytics keeps, one order's or a sum of many (a day's, a partner's revenue): four decimals (KWD has
    /// three), and room for sums of the largest amounts producers send — promotions verifies orders up to 5,000,001,000,000,000,
    /// so a few of them overflowed the 16 integer digits of <c>numeric(20,4)</c>. 24 integer digits hold almost 200 million such
    /// orders in one row; 28 digits is the most a <see cref="decimal"/> always reads back.
    /// </summary>
    public const string Money = "numeric(28,4)";

    public DbSet<KnownPartner> Partners => Set<KnownPartner>();

    public DbSet<PartnerDailyKpi> DailyKpis => Set<PartnerDailyKpi>();

    public DbSet<PartnerDailySales> DailySales => Set<PartnerDailySales>();

    public DbSet<ClickConversion> ClickConversions => Set<ClickConversion>();

    public DbSet<AttributedOrder> AttributedOrders => Set<AttributedOrder>();

    public DbSet<RawEvent> RawEvents => Set<RawEvent>();

    public DbSet<ReplayRequest> ReplayRequests => Set<ReplayRequest>();

    public DbSet<KpiAggregate> Aggregates => Set<KpiAggregate>();

    public DbSet<SessionFact> Sessions => Set<SessionFact>();

    public DbSet<CartFact> Carts => Set<CartFact>();

    public DbSet<OrderFact> Orders => Set<OrderFact>();

    public DbSet<CustomerFact> Customers => Set<CustomerFact>();

    public DbSet<ImpressionFact> Impressions => Set<ImpressionFact>();

    public DbSet<UnlinkedClickEvent> UnlinkedClickEvents => Set<UnlinkedClickEvent>();

    public DbSet<PendingTakeBack> PendingTakeBacks => Set<PendingTakeBack>();

    public DbSet<ConcentrationFlag> ConcentrationFlags => Set<ConcentrationFlag>();

    public DbSet<Campaign> Campaigns => Set<Campaign>();

    public DbSet<PartnerSurveyCell> PartnerSurveyCells => Set<PartnerSurveyCell>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AnalyticsDbContext).Assembly);
        modelBuilder.AddPartnerDirectory();
        modelBuilder.AddOutboxAndInbox();
    }
}
