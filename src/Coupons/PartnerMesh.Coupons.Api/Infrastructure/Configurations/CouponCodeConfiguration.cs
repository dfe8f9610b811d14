using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Codes;

namespace PartnerMesh.Coupons.Api.Infrastructure.Configurations;

public sealed class CouponCodeConfiguration : IEntityTypeConfiguration<CouponCode>
{
    /// <summary>Codes are unique across campaigns (stored normalised, so case-insensitively).</summary>
    public const string CodeIndex = "ux_coupon_codes_code";

    /// <summary>The pool codes still free to issue, per campaign.</summary>
    public const string UnassignedPoolIndex = "ix_coupon_codes_unassigned_pool";

    public void Configure(EntityTypeBuilder<CouponCode> builder)
    {
        builder.ToTable("coupon_codes");
        builder.HasKey(code => code.Id);
        builder.Property(code => code.Id).ValueGeneratedNever();
        builder.Property(code => code.Code).HasMaxLength(64);
        builder.Property(code => code.Source).HasMaxLength(16);
        builder.Property(code => code.CustomerKey).HasMaxLength(300);
        builder.Property(code => code.CustomerEmailKey).HasMaxLength(300);
        builder.HasIndex(code => code.Code).IsUnique().HasDatabaseName(CodeIndex);
        builder.HasIndex(code => code.CampaignId);
        builder.HasIndex(code => code.GenerationJobId).HasFilter("generation_job_id IS NOT NULL");
        builder.HasIndex(code => code.CustomerKey).HasFilter("customer_key IS NOT NULL");
        builder.HasIndex(code => code.CustomerEmailKey).HasFilter("customer_email_key IS NOT NULL");
        builder.HasIndex(code => code.CampaignId, UnassignedPoolIndex).HasDatabaseName(UnassignedPoolIndex)
            .HasFilter("source = 'pool' AND customer_key IS NULL AND retired_at IS NULL");
        builder.HasOne<Campaign>().WithMany().HasForeignKey(code => code.CampaignId).OnDelete(DeleteBehavior.Restrict);
    }
}
