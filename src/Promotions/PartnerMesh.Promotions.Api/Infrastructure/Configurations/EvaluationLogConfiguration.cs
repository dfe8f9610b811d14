using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Promotions.Api.EvaluationLog;

namespace PartnerMesh.Promotions.Api.Infrastructure.Configurations;

public sealed class EvaluationLogConfiguration : IEntityTypeConfiguration<EvaluationLogEntry>
{
    public void Configure(EntityTypeBuilder<EvaluationLogEntry> builder)
    {
        builder.ToTable("evaluation_log");
        builder.HasKey(entry => entry.Id);
        builder.Property(entry => entry.Id).ValueGeneratedNever();
        builder.Property(entry => entry.Kind).HasMaxLength(32);
        builder.Property(entry => entry.Outcome).HasMaxLength(32);
        builder.Property(entry => entry.Reason).HasMaxLength(500);
        builder.Property(entry => entry.OrderId).HasMaxLength(200);
        builder.Property(entry => entry.VisitorId).HasMaxLength(200);
        builder.Property(entry => entry.CustomerId).HasMaxLength(200);
        builder.Property(entry => entry.Touchpoint).HasMaxLength(16);
        builder.Property(entry => entry.Currency).HasMaxLength(3);
        builder.Property(entry => entry.GrandTotal).HasPrecision(20, 4); // a cart totals up to 5,000,001,000,000,000
        builder.Property(entry => entry.DiscountTotal).HasPrecision(20, 4);
        builder.Property(entry => entry.Summary).HasColumnType("jsonb");
        builder.HasIndex(entry => entry.LoggedAt);
        builder.HasIndex(entry => entry.OrderId).HasFilter("order_id IS NOT NULL");
        builder.HasIndex(entry => entry.QuoteId).HasFilter("quote_id IS NOT NULL");
        builder.HasIndex(entry => entry.VisitorId).HasFilter("visitor_id IS NOT NULL");
        builder.HasIndex(entry => entry.PromotionIds).HasMethod("gin");
    }
}
