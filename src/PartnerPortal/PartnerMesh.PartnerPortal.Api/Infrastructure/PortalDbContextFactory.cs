using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PartnerMesh.PartnerPortal.Api.Infrastructure;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without configuration; it never connects.</summary>
public sealed class PortalDbContextFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PortalDbContext>()
            .UseNpgsql("Host=localhost;Database=portaldb;Username=design;Password=design")
            .Options);
}
