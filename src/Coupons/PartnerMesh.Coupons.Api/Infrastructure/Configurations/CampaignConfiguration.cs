using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Coupons.Api.Campaigns;

namespace PartnerMesh.Coupons.Api.Infrastructure.Configurations;

public sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> builder)
    {
        builder.ToTable("coupon_campaigns");
        builder.HasKey(campaign => campaign.Id);
        builder.Property(campaign => campaign.Id).ValueGeneratedNever();
        builder.Property(campaign => campaign.Name).HasMaxLength(200);
        builder.Property(campaign => campaign.Currency).HasMaxLength(3);
        builder.Property(campaign => campaign.MinimumCartValue).HasPrecision(20, 4);
        builder.Property(campaign => campaign.OfferMinimumCartTotal).HasPrecision(20, 4);
        builder.Property(campaign => campaign.CreatedBy).HasMaxLength(200);
    }
}
