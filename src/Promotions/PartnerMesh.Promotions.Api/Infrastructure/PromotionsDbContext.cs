using Microsoft.EntityFrameworkCore;
using PartnerMesh.Outbox;
using PartnerMesh.Promotions.Api.Partners;

namespace PartnerMesh.Promotions.Api.Infrastructure;

public sealed class PromotionsDbContext(DbContextOptions<PromotionsDbContext> options) : DbContext(options)
{
    public DbSet<Partner> Partners => Set<Partner>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PromotionsDbContext).Assembly);
        modelBuilder.AddOutboxAndInbox();
    }
}
