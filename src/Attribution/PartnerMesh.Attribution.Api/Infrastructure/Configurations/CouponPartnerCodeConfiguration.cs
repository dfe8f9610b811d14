using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Attribution.Api.Links;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

public sealed class CouponPartnerCodeConfiguration : IEntityTypeConfiguration<CouponPartnerCode>
{
    public const string TableName = "coupon_partner_codes";

    public void Configure(EntityTypeBuilder<CouponPartnerCode> builder)
    {
        builder.ToTable(TableName);
        builder.HasKey(code => code.Code).HasName("PK_coupon_partner_codes");
        // Coupons codes are 1 to 64 characters once normalised.
        builder.Property(code => code.Code).HasMaxLength(64);
    }
}
