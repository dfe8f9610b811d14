using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using PartnerMesh.Data;

namespace PartnerMesh.Analytics.Api.Infrastructure;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without configuration; it never connects.</summary>
public sealed class AnalyticsDbContextFactory : IDesignTimeDbContextFactory<AnalyticsDbContext>
{
    public AnalyticsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AnalyticsDbContext>()
            .UsePartnerMeshNpgsql("Host=localhost;Database=analyticsdb;Username=design;Password=design")
            .Options);
}
