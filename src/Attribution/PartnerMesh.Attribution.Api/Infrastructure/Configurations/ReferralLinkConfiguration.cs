using PartnerMesh.ServiceDefaults.WebApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Attribution.Api.Partners;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

public sealed class ReferralLinkConfiguration : IEntityTypeConfiguration<ReferralLink>
{
    public const string UniqueCodeIndex = "ux_referral_links_code";
    public const string UniqueIdempotencyKeyIndex = "ux_referral_links_idempotency_key";

    public void Configure(EntityTypeBuilder<ReferralLink> builder)
    {
        builder.ToTable("referral_links");
        builder.HasKey(link => link.Id).HasName("PK_referral_links");
        builder.Property(link => link.Id).ValueGeneratedNever();
        builder.Property(link => link.Code).HasMaxLength(LinkCode.MaxLength);
        builder.Property(link => link.TargetUrl).HasMaxLength(LinkRules.MaxTargetUrlLength);
        builder.HasIndex(link => link.Code).IsUnique().HasDatabaseName(UniqueCodeIndex);
        builder.Property(link => link.IdempotencyKey).HasMaxLength(IdempotencyKeys.MaxLength);
        builder.Property(link => link.IdempotencyFingerprint).HasMaxLength(IdempotencyKeys.FingerprintLength);
        builder.HasIndex(link => link.IdempotencyKey).IsUnique().HasDatabaseName(UniqueIdempotencyKeyIndex);
        builder.HasIndex(link => new { link.PartnerId, link.Id });
        builder.HasOne<Partner>().WithMany().HasForeignKey(link => link.PartnerId).OnDelete(DeleteBehavior.Restrict);
    }
}
