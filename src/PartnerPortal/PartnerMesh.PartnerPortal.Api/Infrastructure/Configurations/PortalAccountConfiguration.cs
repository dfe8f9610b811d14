using PartnerMesh.ServiceDefaults.WebApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.PartnerDirectory;
using PartnerMesh.PartnerPortal.Api.Accounts;

namespace PartnerMesh.PartnerPortal.Api.Infrastructure.Configurations;

public sealed class PortalAccountConfiguration : IEntityTypeConfiguration<PortalAccount>
{
    public const string ActiveEmailIndex = "ux_portal_accounts_active_email";
    public const string UniqueIdempotencyKeyIndex = "ux_portal_accounts_idempotency_key";

    public void Configure(EntityTypeBuilder<PortalAccount> builder)
    {
        builder.ToTable("portal_accounts");
        builder.HasKey(account => account.Id).HasName("PK_portal_accounts");
        builder.Property(account => account.Id).ValueGeneratedNever();
        builder.Property(account => account.Email).HasMaxLength(AccountRules.MaxEmailLength);
        builder.Property(account => account.NormalizedEmail).HasMaxLength(AccountRules.MaxEmailLength);

        // One active account per email; a deleted (disabled) account frees its email for a new one.
        builder.HasIndex(account => account.NormalizedEmail).IsUnique().HasFilter("disabled_at IS NULL").HasDatabaseName(ActiveEmailIndex);
        builder.HasIndex(account => account.PartnerId);
        builder.Property(account => account.IdempotencyKey).HasMaxLength(IdempotencyKeys.MaxLength);
        builder.HasIndex(account => account.IdempotencyKey).IsUnique().HasDatabaseName(UniqueIdempotencyKeyIndex);
        builder.HasOne<KnownPartner>().WithMany().HasForeignKey(account => account.PartnerId).OnDelete(DeleteBehavior.Restrict)
            .HasConstraintName("FK_portal_accounts_partners_partner_id");
    }
}
