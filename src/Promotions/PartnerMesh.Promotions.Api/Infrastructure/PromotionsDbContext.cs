using Microsoft.EntityFrameworkCore;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.Promotions.Api.Budgets;
using PartnerMesh.Promotions.Api.Definitions;
using PartnerMesh.Promotions.Api.EvaluationLog;
using PartnerMesh.Promotions.Api.Experiments;
using PartnerMesh.Promotions.Api.Idempotency;
using PartnerMesh.Promotions.Api.Orders;
using PartnerMesh.Promotions.Api.ProductPages;
using PartnerMesh.Promotions.Api.RuleSets;

namespace PartnerMesh.Promotions.Api.Infrastructure;

public sealed class PromotionsDbContext(DbContextOptions<PromotionsDbContext> options) : DbContext(options)
{
    public DbSet<KnownPartner> Partners => Set<KnownPartner>();
    public DbSet<Promotion> Promotions => Set<Promotion>();
    public DbSet<PromotionVersion> PromotionVersions => Set<PromotionVersion>();
    public DbSet<PromotionChange> PromotionChanges => Set<PromotionChange>();
    public DbSet<RuleSetState> RuleSetStates => Set<RuleSetState>();
    public DbSet<SettingsChange> SettingsChanges => Set<SettingsChange>();
    public DbSet<BudgetCounter> BudgetCounters => Set<BudgetCounter>();
    public DbSet<BudgetReservation> BudgetReservations => Set<BudgetReservation>();
    public DbSet<OrderVerification> OrderVerifications => Set<OrderVerification>();
    public DbSet<Experiment> Experiments => Set<Experiment>();
    public DbSet<ExperimentExposureRecord> ExperimentExposures => Set<ExperimentExposureRecord>();
    public DbSet<ExperimentVariantStats> ExperimentVariantStats => Set<ExperimentVariantStats>();
    public DbSet<ExperimentVariantSales> ExperimentVariantSales => Set<ExperimentVariantSales>();
    public DbSet<ProductPageContentEntry> ProductPageContents => Set<ProductPageContentEntry>();
    public DbSet<ProductPageContentVersion> ProductPageContentVersions => Set<ProductPageContentVersion>();
    public DbSet<ProductPageContentChange> ProductPageContentChanges => Set<ProductPageContentChange>();
    public DbSet<EvaluationLogEntry> EvaluationLog => Set<EvaluationLogEntry>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PromotionsDbContext).Assembly);
        modelBuilder.AddPartnerDirectory();
        modelBuilder.AddOutboxAndInbox();
    }
}
