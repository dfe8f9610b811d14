using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Promotions.Api.Orders;

namespace PartnerMesh.Promotions.Api.Infrastructure.Configurations;

public sealed class OrderVerificationConfiguration : IEntityTypeConfiguration<OrderVerification>
{
    public const string PrimaryKey = "pk_order_verifications";

    public void Configure(EntityTypeBuilder<OrderVerification> builder)
    {
        builder.HasKey(verification => verification.OrderId).HasName(PrimaryKey);
        builder.Property(verification => verification.OrderId).HasMaxLength(100);
        builder.Property(verification => verification.Outcome).HasMaxLength(16);
        builder.Property(verification => verification.MismatchReason).HasMaxLength(32);
        builder.Property(verification => verification.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(verification => verification.QuotedGrandTotal).HasPrecision(20, 4);
        builder.Property(verification => verification.ChargedGrandTotal).HasPrecision(20, 4);
        builder.Property(verification => verification.ExpectedGrandTotal).HasPrecision(20, 4);
        builder.Property(verification => verification.DiscountTotal).HasPrecision(20, 4);
        builder.HasIndex(verification => verification.VerifiedAt);
    }
}
