using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using PartnerMesh.Data;

namespace PartnerMesh.Promotions.Api.Infrastructure;

/// <summary>Lets <c>dotnet ef</c> build the model without configuration; it never connects.</summary>
public sealed class PromotionsDbContextFactory : IDesignTimeDbContextFactory<PromotionsDbContext>
{
    public PromotionsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PromotionsDbContext>().UsePartnerMeshNpgsql("Host=localhost;Database=promotionsdb").Options);
}
