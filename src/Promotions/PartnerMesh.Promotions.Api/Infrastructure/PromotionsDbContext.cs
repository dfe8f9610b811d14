using Microsoft.EntityFrameworkCore;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerDirectory;

namespace PartnerMesh.Promotions.Api.Infrastructure;

public sealed class PromotionsDbContext(DbContextOptions<PromotionsDbContext> options) : DbContext(options)
{
    public DbSet<KnownPartner> Partners => Set<KnownPartner>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PromotionsDbContext).Assembly);
        modelBuilder.AddPartnerDirectory();
        modelBuilder.AddOutboxAndInbox();
    }
}
