using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Coupons.Api.Checkout;

namespace PartnerMesh.Coupons.Api.Infrastructure.Configurations;

public sealed class UsageCounterConfiguration : IEntityTypeConfiguration<UsageCounter>
{
    public void Configure(EntityTypeBuilder<UsageCounter> builder)
    {
        builder.ToTable("coupon_counters", table => table.HasCheckConstraint("ck_coupon_counters_uses_not_negative", "uses >= 0"));
        builder.HasKey(counter => counter.Key);
        builder.Property(counter => counter.Key).HasMaxLength(400);
    }
}

public sealed class CouponReservationConfiguration : IEntityTypeConfiguration<CouponReservation>
{
    /// <summary>One held reservation per checkout and code: a retried reserve gets the same reservation.</summary>
    public const string HeldCheckoutIndex = "ux_coupon_reservations_held_checkout";

    public void Configure(EntityTypeBuilder<CouponReservation> builder)
    {
        builder.ToTable("coupon_reservations");
        builder.HasKey(reservation => reservation.Id);
        builder.Property(reservation => reservation.Id).ValueGeneratedNever();
        builder.Property(reservation => reservation.Code).HasMaxLength(64);
        builder.Property(reservation => reservation.CheckoutId).HasMaxLength(100);
        builder.Property(reservation => reservation.CustomerKey).HasMaxLength(300);
        builder.Property(reservation => reservation.Currency).HasMaxLength(3);
        builder.Property(reservation => reservation.CartTotal).HasPrecision(20, 4);
        builder.Property(reservation => reservation.Status).HasMaxLength(16);
        builder.Property(reservation => reservation.OrderId).HasMaxLength(100);
        builder.HasIndex(reservation => new { reservation.CheckoutId, reservation.CodeId }).IsUnique()
            .HasDatabaseName(HeldCheckoutIndex).HasFilter("status = 'held' AND checkout_id IS NOT NULL");
        builder.HasIndex(reservation => reservation.ExpiresAt).HasFilter("status = 'held'");
        builder.HasIndex(reservation => new { reservation.CampaignId, reservation.Status });
    }
}

public sealed class CouponRedemptionConfiguration : IEntityTypeConfiguration<CouponRedemption>
{
    public const string OrderCodeIndex = "ux_coupon_redemptions_order_code";

    public void Configure(EntityTypeBuilder<CouponRedemption> builder)
    {
        builder.ToTable("coupon_redemptions");
        builder.HasKey(redemption => redemption.Id);
        builder.Property(redemption => redemption.Id).ValueGeneratedNever();
        builder.Property(redemption => redemption.OrderId).HasMaxLength(100);
        builder.Property(redemption => redemption.Code).HasMaxLength(64);
        builder.Property(redemption => redemption.CustomerKey).HasMaxLength(300);
        builder.Property(redemption => redemption.Currency).HasMaxLength(3);
        builder.Property(redemption => redemption.OrderTotal).HasPrecision(20, 4);
        builder.Property(redemption => redemption.RefundedAmount).HasPrecision(20, 4);
        builder.Property(redemption => redemption.Status).HasMaxLength(16);
        builder.Property(redemption => redemption.LeakReason).HasMaxLength(32);
        builder.Property(redemption => redemption.Referrer).HasMaxLength(2000);
        builder.HasIndex(redemption => new { redemption.OrderId, redemption.CodeId }).IsUnique().HasDatabaseName(OrderCodeIndex);
        builder.HasIndex(redemption => new { redemption.CampaignId, redemption.Status });
    }
}

public sealed class CouponRefundConfiguration : IEntityTypeConfiguration<CouponRefund>
{
    public const string Key = "pk_coupon_refunds";

    public void Configure(EntityTypeBuilder<CouponRefund> builder)
    {
        builder.ToTable("coupon_refunds");
        builder.HasKey(refund => refund.RefundId).HasName(Key);
        builder.Property(refund => refund.RefundId).HasMaxLength(100);
        builder.Property(refund => refund.OrderId).HasMaxLength(100);
        builder.Property(refund => refund.Amount).HasPrecision(20, 4);
        builder.Property(refund => refund.Response).HasColumnType("jsonb");
        builder.HasIndex(refund => refund.OrderId);
    }
}
