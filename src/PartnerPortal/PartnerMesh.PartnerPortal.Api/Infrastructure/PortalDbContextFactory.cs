using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using PartnerMesh.Data;

namespace PartnerMesh.PartnerPortal.Api.Infrastructure;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without configuration; it never connects.</summary>
public sealed class PortalDbContextFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PortalDbContext>()
            .UsePartnerMeshNpgsql("Host=localhost;Database=portaldb;Username=design;Password=design")
            .Options);
}
