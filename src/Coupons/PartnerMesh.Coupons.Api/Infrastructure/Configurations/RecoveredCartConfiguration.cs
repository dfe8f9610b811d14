using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Coupons.Api.Offers;

namespace PartnerMesh.Coupons.Api.Infrastructure.Configurations;

public sealed class RecoveredCartConfiguration : IEntityTypeConfiguration<RecoveredCart>
{
    public void Configure(EntityTypeBuilder<RecoveredCart> builder)
    {
        builder.ToTable("recovered_carts");
        builder.HasKey(cart => cart.CartId);
        builder.Property(cart => cart.CartId).HasMaxLength(200);
        builder.HasIndex(cart => cart.RecordedAt);
    }
}
