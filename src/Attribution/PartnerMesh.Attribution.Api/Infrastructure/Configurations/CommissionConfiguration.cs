using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Partners;
using PartnerMesh.Attribution.Api.Payouts;
using PartnerMesh.ServiceDefaults.Orders;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

public sealed class CommissionConfiguration : IEntityTypeConfiguration<Commission>, IEntityTypeConfiguration<PayoutBatch>, IEntityTypeConfiguration<PayoutItem>
{
    public const string UniqueEntryKeyIndex = "ux_commissions_entry_key";
    public const string UniquePayoutIdempotencyKeyIndex = "ux_payout_batches_idempotency_key";

    public void Configure(EntityTypeBuilder<Commission> builder)
    {
        builder.HasKey(commission => commission.Id).HasName("PK_commissions");
        builder.Property(commission => commission.Id).ValueGeneratedNever();
        builder.Property(commission => commission.EntryKey).HasMaxLength(300);
        builder.Property(commission => commission.OrderId).HasMaxLength(OrderIds.MaxLength);
        builder.Property(commission => commission.Kind).HasMaxLength(20);
        builder.Property(commission => commission.Amount).HasPrecision(18, Money.StorageScale);
        builder.Property(commission => commission.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(commission => commission.Rate).HasPrecision(5, 4);
        builder.Property(commission => commission.Status).HasMaxLength(20);
        builder.Property(commission => commission.HoldReasons).HasMaxLength(300);
        builder.Property(commission => commission.Note).HasMaxLength(100);
        builder.Property(commission => commission.RefundId).HasMaxLength(OrderIds.MaxLength);
        // One entry per booking key: a replayed conversion, refund or milestone can never book twice.
        builder.HasIndex(commission => commission.EntryKey).IsUnique().HasDatabaseName(UniqueEntryKeyIndex);
        builder.HasIndex(commission => new { commission.PartnerId, commission.Status });
        builder.HasIndex(commission => new { commission.Status, commission.HoldUntil });
        builder.HasIndex(commission => commission.ConversionId);
        builder.HasIndex(commission => commission.ProgramId);
        builder.HasOne<Conversion>().WithMany().HasForeignKey(commission => commission.ConversionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Partner>().WithMany().HasForeignKey(commission => commission.PartnerId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<PayoutBatch> builder)
    {
        builder.ToTable("payout_batches");
        builder.HasKey(batch => batch.Id).HasName("PK_payout_batches");
        builder.Property(batch => batch.Id).ValueGeneratedNever();
        builder.Property(batch => batch.IdempotencyKey).HasMaxLength(100);
        builder.HasIndex(batch => batch.IdempotencyKey).IsUnique().HasDatabaseName(UniquePayoutIdempotencyKeyIndex);
        builder.HasMany(batch => batch.Items).WithOne().HasForeignKey(item => item.BatchId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<PayoutItem> builder)
    {
        builder.ToTable("payout_items");
        builder.HasKey(item => new { item.BatchId, item.PartnerId, item.Currency }).HasName("PK_payout_items");
        builder.Property(item => item.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(item => item.Amount).HasPrecision(18, Money.StorageScale);
        builder.HasIndex(item => item.PartnerId);
    }
}
