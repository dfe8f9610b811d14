using Microsoft.EntityFrameworkCore;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Outbox;

namespace PartnerMesh.Attribution.Api.Infrastructure;

public sealed class AttributionDbContext(DbContextOptions<AttributionDbContext> options) : DbContext(options)
{
    public DbSet<Partner> Partners => Set<Partner>();

    public DbSet<ReferralLink> Links => Set<ReferralLink>();

    public DbSet<Click> Clicks => Set<Click>();

    public DbSet<Conversion> Conversions => Set<Conversion>();

    public DbSet<Commission> Commissions => Set<Commission>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AttributionDbContext).Assembly);
        modelBuilder.AddOutboxAndInbox();
    }
}
