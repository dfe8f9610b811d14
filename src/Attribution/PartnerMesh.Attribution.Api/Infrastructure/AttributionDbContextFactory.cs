using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using PartnerMesh.Data;

namespace PartnerMesh.Attribution.Api.Infrastructure;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without configuration; it never connects.</summary>
public sealed class AttributionDbContextFactory : IDesignTimeDbContextFactory<AttributionDbContext>
{
    public AttributionDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AttributionDbContext>()
            .UsePartnerMeshNpgsql("Host=localhost;Database=attributiondb;Username=design;Password=design")
            .Options);
}
