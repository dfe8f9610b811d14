using Microsoft.EntityFrameworkCore;
using PartnerMesh.Coupons.Api.Partners;
using PartnerMesh.Outbox;

namespace PartnerMesh.Coupons.Api.Infrastructure;

public sealed class CouponsDbContext(DbContextOptions<CouponsDbContext> options) : DbContext(options)
{
    public DbSet<Partner> Partners => Set<Partner>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CouponsDbContext).Assembly);
        modelBuilder.AddOutboxAndInbox();
    }
}
