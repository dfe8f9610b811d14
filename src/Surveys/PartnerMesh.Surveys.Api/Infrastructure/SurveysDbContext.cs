using Microsoft.EntityFrameworkCore;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.Surveys.Api.Definitions;
using PartnerMesh.Surveys.Api.Responses;

namespace PartnerMesh.Surveys.Api.Infrastructure;

public sealed class SurveysDbContext(DbContextOptions<SurveysDbContext> options) : DbContext(options)
{
    public DbSet<KnownPartner> Partners => Set<KnownPartner>();

    public DbSet<Survey> Surveys => Set<Survey>();

    public DbSet<SurveyVersion> SurveyVersions => Set<SurveyVersion>();

    public DbSet<Impression> Impressions => Set<Impression>();

    public DbSet<Submission> Responses => Set<Submission>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(SurveysDbContext).Assembly);
        modelBuilder.AddPartnerDirectory();
        modelBuilder.AddOutboxAndInbox();
    }
}
