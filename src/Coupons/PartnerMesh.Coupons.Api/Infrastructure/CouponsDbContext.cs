using Microsoft.EntityFrameworkCore;
using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Coupons.Api.Codes;
using PartnerMesh.Coupons.Api.Common;
using PartnerMesh.Coupons.Api.Generation;
using PartnerMesh.Coupons.Api.Offers;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerDirectory;

namespace PartnerMesh.Coupons.Api.Infrastructure;

public sealed class CouponsDbContext(DbContextOptions<CouponsDbContext> options) : DbContext(options)
{
    public DbSet<KnownPartner> Partners => Set<KnownPartner>();

    public DbSet<PartnerStanding> PartnerStandings => Set<PartnerStanding>();

    public DbSet<Campaign> Campaigns => Set<Campaign>();

    public DbSet<CouponCode> Codes => Set<CouponCode>();

    public DbSet<UsageCounter> UsageCounters => Set<UsageCounter>();

    public DbSet<CouponReservation> Reservations => Set<CouponReservation>();

    public DbSet<CouponRedemption> Redemptions => Set<CouponRedemption>();

    public DbSet<CouponRefund> Refunds => Set<CouponRefund>();

    public DbSet<GenerationJob> GenerationJobs => Set<GenerationJob>();

    public DbSet<PendingOffer> PendingOffers => Set<PendingOffer>();

    public DbSet<RecoveredCart> RecoveredCarts => Set<RecoveredCart>();

    public DbSet<IdempotencyRecord> IdempotencyKeys => Set<IdempotencyRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CouponsDbContext).Assembly);
        modelBuilder.AddPartnerDirectory();
        modelBuilder.AddPartnerStandings();
        modelBuilder.AddOutboxAndInbox();
    }
}
