using Microsoft.EntityFrameworkCore;
using PartnerMesh.Gateway.ApiKeys;

namespace PartnerMesh.Gateway.Infrastructure;

/// <summary>
/// The gateway's own database: API keys only. It publishes and consumes no integration events, so it maps no
/// outbox or inbox tables.
/// </summary>
public sealed class GatewayDbContext(DbContextOptions<GatewayDbContext> options) : DbContext(options)
{
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(GatewayDbContext).Assembly);
}
