using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using PartnerMesh.Data;

namespace PartnerMesh.Surveys.Api.Infrastructure;

/// <summary>Lets <c>dotnet ef</c> build the model without configuration; it never connects.</summary>
public sealed class SurveysDbContextFactory : IDesignTimeDbContextFactory<SurveysDbContext>
{
    public SurveysDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SurveysDbContext>().UsePartnerMeshNpgsql("Host=localhost;Database=surveysdb").Options);
}
