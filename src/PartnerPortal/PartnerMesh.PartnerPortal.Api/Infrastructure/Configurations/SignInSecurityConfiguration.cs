using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.PartnerPortal.Api.Accounts;
using PartnerMesh.PartnerPortal.Api.SignInSecurity;

namespace PartnerMesh.PartnerPortal.Api.Infrastructure.Configurations;

public sealed class SignInThrottleConfiguration : IEntityTypeConfiguration<SignInThrottle>
{
    public void Configure(EntityTypeBuilder<SignInThrottle> builder)
    {
        builder.ToTable("sign_in_throttles");
        builder.HasKey(row => new { row.AccountId, row.Source });
        builder.Property(row => row.Source).HasMaxLength(SignInThrottle.MaxSourceLength);
        builder.HasOne<PortalAccount>().WithMany().HasForeignKey(row => row.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class SignInAuditEntryConfiguration : IEntityTypeConfiguration<SignInAuditEntry>
{
    public void Configure(EntityTypeBuilder<SignInAuditEntry> builder)
    {
        builder.ToTable("sign_in_audit");
        builder.HasKey(entry => entry.Id);
        builder.Property(entry => entry.Id).UseIdentityAlwaysColumn();
        builder.Property(entry => entry.Kind).HasMaxLength(SignInAuditEntry.MaxKindLength);
        builder.Property(entry => entry.Scope).HasMaxLength(16);
        builder.Property(entry => entry.Source).HasMaxLength(SignInThrottle.MaxSourceLength);
        builder.HasIndex(entry => new { entry.AccountId, entry.Id });
        builder.HasIndex(entry => new { entry.PartnerId, entry.Id });
    }
}
