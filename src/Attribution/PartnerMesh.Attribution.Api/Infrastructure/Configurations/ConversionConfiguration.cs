using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.ServiceDefaults.Orders;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

public sealed class ConversionConfiguration :
    IEntityTypeConfiguration<Conversion>, IEntityTypeConfiguration<Refund>, IEntityTypeConfiguration<CustomerCredit>, IEntityTypeConfiguration<CouponSignal>
{
    public const string UniqueOrderIdIndex = "ux_conversions_order_id";
    public const string UniqueRefundIdIndex = "ux_refunds_refund_id";

    public void Configure(EntityTypeBuilder<Conversion> builder)
    {
        builder.HasKey(conversion => conversion.Id).HasName("PK_conversions");
        builder.Property(conversion => conversion.Id).ValueGeneratedNever();
        builder.Property(conversion => conversion.OrderId).HasMaxLength(OrderIds.MaxLength);
        builder.Property(conversion => conversion.Reason).HasMaxLength(32);
        builder.Property(conversion => conversion.Amount).HasPrecision(18, Money.StorageScale);
        builder.Property(conversion => conversion.RefundedAmount).HasPrecision(18, Money.StorageScale);
        builder.Property(conversion => conversion.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(conversion => conversion.CommissionAmount).HasPrecision(18, Money.StorageScale);
        builder.Property(conversion => conversion.CommissionCurrency).HasMaxLength(3).IsFixedLength();
        builder.Property(conversion => conversion.CommissionNote).HasMaxLength(64);
        builder.Property(conversion => conversion.CustomerId).HasMaxLength(ConversionRules.MaxCustomerIdLength);
        builder.Property(conversion => conversion.CustomerEmail).HasMaxLength(254);
        builder.Property(conversion => conversion.VisitorId).HasMaxLength(ClickDetails.MaxVisitorIdLength);
        builder.Property(conversion => conversion.CouponCode).HasMaxLength(64);
        builder.Property(conversion => conversion.Status).HasMaxLength(20).HasDefaultValue(ConversionStatus.Completed);
        builder.Property(conversion => conversion.Lines).AsJsonb();
        builder.HasIndex(conversion => conversion.OrderId).IsUnique().HasDatabaseName(UniqueOrderIdIndex);
        builder.HasIndex(conversion => new { conversion.PartnerId, conversion.OrderedAt });
        builder.HasIndex(conversion => new { conversion.PartnerId, conversion.CreatedAt });
        builder.HasIndex(conversion => conversion.ClickId);
        builder.HasOne<Click>().WithMany().HasForeignKey(conversion => conversion.ClickId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<Refund> builder)
    {
        builder.HasKey(refund => refund.Id).HasName("PK_refunds");
        builder.Property(refund => refund.Id).ValueGeneratedNever();
        builder.Property(refund => refund.RefundId).HasMaxLength(OrderIds.MaxLength);
        builder.Property(refund => refund.OrderId).HasMaxLength(OrderIds.MaxLength);
        builder.Property(refund => refund.Kind).HasMaxLength(20);
        builder.Property(refund => refund.Amount).HasPrecision(18, Money.StorageScale);
        builder.Property(refund => refund.CommissionReversed).HasPrecision(18, Money.StorageScale);
        builder.Property(refund => refund.Currency).HasMaxLength(3).IsFixedLength();
        builder.HasIndex(refund => refund.RefundId).IsUnique().HasDatabaseName(UniqueRefundIdIndex);
        builder.HasIndex(refund => refund.ConversionId);
        builder.HasOne<Conversion>().WithMany().HasForeignKey(refund => refund.ConversionId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<CustomerCredit> builder)
    {
        builder.ToTable("customer_credits");
        builder.HasKey(credit => new { credit.Scope, credit.CustomerId }).HasName("PK_customer_credits");
        builder.Property(credit => credit.CustomerId).HasMaxLength(ConversionRules.MaxCustomerIdLength);
    }

    public void Configure(EntityTypeBuilder<CouponSignal> builder)
    {
        builder.ToTable("coupon_signals");
        builder.HasKey(signal => new { signal.OrderId, signal.CodePartnerId }).HasName("PK_coupon_signals");
        builder.Property(signal => signal.OrderId).HasMaxLength(OrderIds.MaxLength);
        builder.Property(signal => signal.Code).HasMaxLength(64);
        builder.Property(signal => signal.LeakReason).HasMaxLength(64);
    }
}
