using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using PartnerMesh.Data;

namespace PartnerMesh.Gateway.Infrastructure;

/// <summary>Lets <c>dotnet ef migrations add</c> work without any configuration; never used at run time.</summary>
public sealed class GatewayDbContextFactory : IDesignTimeDbContextFactory<GatewayDbContext>
{
    public GatewayDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<GatewayDbContext>()
            .UsePartnerMeshNpgsql("Host=localhost;Database=gatewaydb;Username=postgres;Password=postgres")
            .Options);
}
