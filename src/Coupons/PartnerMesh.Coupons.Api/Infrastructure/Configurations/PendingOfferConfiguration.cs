using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Offers;

namespace PartnerMesh.Coupons.Api.Infrastructure.Configurations;

public sealed class PendingOfferConfiguration : IEntityTypeConfiguration<PendingOffer>
{
    public void Configure(EntityTypeBuilder<PendingOffer> builder)
    {
        builder.ToTable("pending_offers");
        builder.HasKey(offer => offer.Id);
        builder.Property(offer => offer.Id).ValueGeneratedNever();
        builder.Property(offer => offer.CartId).HasMaxLength(200);
        builder.Property(offer => offer.CustomerKey).HasMaxLength(300);
        builder.Property(offer => offer.VisitorId).HasMaxLength(200);
        builder.Property(offer => offer.CustomerId).HasMaxLength(200);
        builder.Property(offer => offer.Email).HasMaxLength(320);
        builder.HasIndex(offer => new { offer.CampaignId, offer.CartId }).IsUnique();
        builder.HasIndex(offer => offer.DueAt);
        builder.HasIndex(offer => offer.CartId);
        builder.HasOne<Campaign>().WithMany().HasForeignKey(offer => offer.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}
