using Microsoft.EntityFrameworkCore;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerDirectory;

namespace PartnerMesh.Surveys.Api.Infrastructure;

public sealed class SurveysDbContext(DbContextOptions<SurveysDbContext> options) : DbContext(options)
{
    public DbSet<KnownPartner> Partners => Set<KnownPartner>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(SurveysDbContext).Assembly);
        modelBuilder.AddPartnerDirectory();
        modelBuilder.AddOutboxAndInbox();
    }
}
