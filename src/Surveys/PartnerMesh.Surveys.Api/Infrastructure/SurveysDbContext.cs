using Microsoft.EntityFrameworkCore;
using PartnerMesh.Outbox;
using PartnerMesh.Surveys.Api.Partners;

namespace PartnerMesh.Surveys.Api.Infrastructure;

public sealed class SurveysDbContext(DbContextOptions<SurveysDbContext> options) : DbContext(options)
{
    public DbSet<Partner> Partners => Set<Partner>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(SurveysDbContext).Assembly);
        modelBuilder.AddOutboxAndInbox();
    }
}
