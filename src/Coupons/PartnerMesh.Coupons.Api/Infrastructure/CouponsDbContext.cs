using Microsoft.EntityFrameworkCore;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerDirectory;

namespace PartnerMesh.Coupons.Api.Infrastructure;

public sealed class CouponsDbContext(DbContextOptions<CouponsDbContext> options) : DbContext(options)
{
    public DbSet<KnownPartner> Partners => Set<KnownPartner>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CouponsDbContext).Assembly);
        modelBuilder.AddPartnerDirectory();
        modelBuilder.AddOutboxAndInbox();
    }
}
