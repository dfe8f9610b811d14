using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.PartnerPortal.Api.Partners;

namespace PartnerMesh.PartnerPortal.Api.Infrastructure;

public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Partner> Partners => Set<Partner>();

    public DbSet<PortalAccount> Accounts => Set<PortalAccount>();

    /// <summary>Keys that protect session and antiforgery cookies, shared by every instance and kept across restarts.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
        modelBuilder.AddOutboxAndInbox();
    }
}
