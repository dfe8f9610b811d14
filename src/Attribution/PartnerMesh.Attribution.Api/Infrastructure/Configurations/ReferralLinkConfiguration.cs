using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.Attribution.Api.Partners;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

public sealed class ReferralLinkConfiguration : IEntityTypeConfiguration<ReferralLink>
{
    public const string UniqueCodeIndex = "ux_referral_links_code";

    public void Configure(EntityTypeBuilder<ReferralLink> builder)
    {
        builder.ToTable("referral_links");
        builder.HasKey(link => link.Id);
        builder.Property(link => link.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(link => link.PartnerId).HasColumnName("partner_id");
        builder.Property(link => link.Code).HasColumnName("code").HasMaxLength(LinkCode.MaxLength);
        builder.Property(link => link.TargetUrl).HasColumnName("target_url").HasMaxLength(LinkRules.MaxTargetUrlLength);
        builder.Property(link => link.Active).HasColumnName("active");
        builder.Property(link => link.CreatedAt).HasColumnName("created_at");
        builder.Property(link => link.UpdatedAt).HasColumnName("updated_at");
        builder.HasIndex(link => link.Code).IsUnique().HasDatabaseName(UniqueCodeIndex);
        builder.HasIndex(link => new { link.PartnerId, link.Id }).HasDatabaseName("ix_referral_links_partner_id_id");
        builder.HasOne<Partner>().WithMany().HasForeignKey(link => link.PartnerId).OnDelete(DeleteBehavior.Restrict)
            .HasConstraintName("fk_referral_links_partners_partner_id");
    }
}
