using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Leads;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Attribution.Api.Payouts;
using PartnerMesh.Attribution.Api.Programs;
using PartnerMesh.Outbox;

namespace PartnerMesh.Attribution.Api.Infrastructure;

public sealed class AttributionDbContext(DbContextOptions<AttributionDbContext> options) : DbContext(options)
{
    public DbSet<Partner> Partners => Set<Partner>();

    public DbSet<PartnerProgram> Programs => Set<PartnerProgram>();

    public DbSet<PlanVersion> PlanVersions => Set<PlanVersion>();

    public DbSet<Agreement> Agreements => Set<Agreement>();

    public DbSet<AgreementAcceptance> AgreementAcceptances => Set<AgreementAcceptance>();

    public DbSet<ReferralLink> Links => Set<ReferralLink>();

    public DbSet<CouponPartnerCode> CouponPartnerCodes => Set<CouponPartnerCode>();

    public DbSet<Click> Clicks => Set<Click>();

    public DbSet<ClickIdempotencyKey> ClickIdempotencyKeys => Set<ClickIdempotencyKey>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    public DbSet<Conversion> Conversions => Set<Conversion>();

    public DbSet<Commission> Commissions => Set<Commission>();

    public DbSet<Refund> Refunds => Set<Refund>();

    public DbSet<CustomerCredit> CustomerCredits => Set<CustomerCredit>();

    public DbSet<CouponSignal> CouponSignals => Set<CouponSignal>();

    public DbSet<Lead> Leads => Set<Lead>();

    public DbSet<PayoutBatch> PayoutBatches => Set<PayoutBatch>();

    public DbSet<PayoutItem> PayoutItems => Set<PayoutItem>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AttributionDbContext).Assembly);
        modelBuilder.AddOutboxAndInbox();
    }
}
