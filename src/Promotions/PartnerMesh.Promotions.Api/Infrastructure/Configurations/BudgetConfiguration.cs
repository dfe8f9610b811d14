using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Promotions.Api.Budgets;

namespace PartnerMesh.Promotions.Api.Infrastructure.Configurations;

public sealed class BudgetCounterConfiguration : IEntityTypeConfiguration<BudgetCounter>
{
    public void Configure(EntityTypeBuilder<BudgetCounter> builder)
    {
        builder.HasKey(counter => counter.Key);
        builder.Property(counter => counter.Key).HasMaxLength(400);
        // What was spent sums discounts: a use cap alone lets each be the largest cart's (5,000,000,000,000,000), so the
        // sum needs more than numeric(20,4)'s 16 integer digits; 28 digits is the most a decimal always reads back.
        builder.Property(counter => counter.Spend).HasPrecision(28, 4);
        builder.Property(counter => counter.MaxSpend).HasPrecision(20, 4);
    }
}

public sealed class BudgetReservationConfiguration : IEntityTypeConfiguration<BudgetReservation>
{
    public void Configure(EntityTypeBuilder<BudgetReservation> builder)
    {
        builder.HasKey(reservation => reservation.Id);
        builder.Property(reservation => reservation.Id).ValueGeneratedNever();
        builder.Property(reservation => reservation.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(reservation => reservation.Items).HasColumnType("jsonb");
        builder.Property(reservation => reservation.OrderId).HasMaxLength(100);
        builder.HasIndex(reservation => reservation.QuoteId).IsUnique();
        builder.HasIndex(reservation => reservation.ExpiresAt).HasFilter("status = 'Held'");
        builder.Property(reservation => reservation.CheckoutId).HasMaxLength(100);
        builder.HasIndex(reservation => reservation.CheckoutId).IsUnique().HasFilter("checkout_id IS NOT NULL AND status = 'Held'");
    }
}
