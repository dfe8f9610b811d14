using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using PartnerMesh.Data;

namespace PartnerMesh.Coupons.Api.Infrastructure;

/// <summary>Lets <c>dotnet ef</c> build the model without configuration; it never connects.</summary>
public sealed class CouponsDbContextFactory : IDesignTimeDbContextFactory<CouponsDbContext>
{
    public CouponsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CouponsDbContext>().UsePartnerMeshNpgsql("Host=localhost;Database=couponsdb").Options);
}
