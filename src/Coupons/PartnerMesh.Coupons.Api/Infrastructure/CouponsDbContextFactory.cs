using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PartnerMesh.Coupons.Api.Infrastructure;

/// <summary>Lets <c>dotnet ef</c> build the model without configuration; it never connects.</summary>
public sealed class CouponsDbContextFactory : IDesignTimeDbContextFactory<CouponsDbContext>
{
    public CouponsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CouponsDbContext>().UseNpgsql("Host=localhost;Database=couponsdb").Options);
}
