using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Outbox;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.PartnerPortal.Api.Portal;
using PartnerMesh.PartnerPortal.Api.SignInSecurity;
using PartnerMesh.PartnerPortal.Api.Webhooks;

namespace PartnerMesh.PartnerPortal.Api.Infrastructure;

public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<KnownPartner> Partners => Set<KnownPartner>();

    public DbSet<PartnerStanding> PartnerStandings => Set<PartnerStanding>();

    public DbSet<PortalAccount> Accounts => Set<PortalAccount>();

    public DbSet<SignedInSession> Sessions => Set<SignedInSession>();

    public DbSet<SignInThrottle> SignInThrottles => Set<SignInThrottle>();

    public DbSet<SignInAuditEntry> SignInAudit => Set<SignInAuditEntry>();

    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();

    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    /// <summary>Keys that protect session and antiforgery cookies, shared by every instance and kept across restarts.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
        modelBuilder.AddPartnerDirectory();
        modelBuilder.AddPartnerStandings();
        modelBuilder.AddOutboxAndInbox();
    }
}
