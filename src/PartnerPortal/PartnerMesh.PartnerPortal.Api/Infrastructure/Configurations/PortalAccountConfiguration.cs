using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.PartnerPortal.Api.Accounts;

namespace PartnerMesh.PartnerPortal.Api.Infrastructure.Configurations;

public sealed class PortalAccountConfiguration : IEntityTypeConfiguration<PortalAccount>
{
    public const string ActiveEmailIndex = "ux_portal_accounts_active_email";

    public void Configure(EntityTypeBuilder<PortalAccount> builder)
    {
        builder.ToTable("portal_accounts");
        builder.HasKey(account => account.Id);
        builder.Property(account => account.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(account => account.PartnerId).HasColumnName("partner_id");
        builder.Property(account => account.Email).HasColumnName("email").HasMaxLength(AccountRules.MaxEmailLength);
        builder.Property(account => account.NormalizedEmail).HasColumnName("normalized_email").HasMaxLength(AccountRules.MaxEmailLength);
        builder.Property(account => account.PasswordHash).HasColumnName("password_hash");
        builder.Property(account => account.CreatedAt).HasColumnName("created_at");
        builder.Property(account => account.LastSignInAt).HasColumnName("last_sign_in_at");
        builder.Property(account => account.FailedSignInCount).HasColumnName("failed_sign_in_count");
        builder.Property(account => account.LockoutEndsAt).HasColumnName("lockout_ends_at");
        builder.Property(account => account.DisabledAt).HasColumnName("disabled_at");

        // One active account per email; a deleted (disabled) account frees its email for a new one.
        builder.HasIndex(account => account.NormalizedEmail).IsUnique().HasFilter("disabled_at IS NULL").HasDatabaseName(ActiveEmailIndex);
        builder.HasIndex(account => account.PartnerId).HasDatabaseName("ix_portal_accounts_partner_id");
        builder.HasOne<KnownPartner>().WithMany().HasForeignKey(account => account.PartnerId).OnDelete(DeleteBehavior.Restrict);
    }
}
