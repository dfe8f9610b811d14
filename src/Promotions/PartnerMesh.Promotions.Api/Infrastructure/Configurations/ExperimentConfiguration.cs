using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Promotions.Api.Experiments;

namespace PartnerMesh.Promotions.Api.Infrastructure.Configurations;

public sealed class ExperimentConfiguration : IEntityTypeConfiguration<Experiment>
{
    public const string UniqueIdempotencyKeyIndex = "ux_experiments_idempotency_key";

    public void Configure(EntityTypeBuilder<Experiment> builder)
    {
        builder.ToTable("experiments");
        builder.HasKey(experiment => experiment.Id);
        builder.Property(experiment => experiment.Id).ValueGeneratedNever();
        builder.Property(experiment => experiment.Name).HasMaxLength(200);
        builder.Property(experiment => experiment.Status).HasMaxLength(16);
        builder.Property(experiment => experiment.Variants).HasColumnType("jsonb");
        builder.Property(experiment => experiment.Winner).HasMaxLength(64);
        builder.Property(experiment => experiment.IdempotencyKey).HasMaxLength(200);
        builder.Property(experiment => experiment.CreatedBy).HasMaxLength(200);
        builder.HasIndex(experiment => experiment.IdempotencyKey).IsUnique().HasDatabaseName(UniqueIdempotencyKeyIndex)
            .HasFilter("idempotency_key IS NOT NULL");
        builder.HasIndex(experiment => experiment.Status);
    }
}

public sealed class ExperimentExposureConfiguration : IEntityTypeConfiguration<ExperimentExposureRecord>
{
    public void Configure(EntityTypeBuilder<ExperimentExposureRecord> builder)
    {
        builder.ToTable("experiment_exposures");
        builder.HasKey(exposure => new { exposure.ExperimentId, exposure.StickyId });
        builder.Property(exposure => exposure.StickyId).HasMaxLength(200);
        builder.Property(exposure => exposure.Variant).HasMaxLength(64);
        builder.HasIndex(exposure => exposure.StickyId);
    }
}

public sealed class ExperimentVariantStatsConfiguration : IEntityTypeConfiguration<ExperimentVariantStats>
{
    public void Configure(EntityTypeBuilder<ExperimentVariantStats> builder)
    {
        builder.ToTable("experiment_variant_stats");
        builder.HasKey(stats => new { stats.ExperimentId, stats.Variant });
        builder.Property(stats => stats.Variant).HasMaxLength(64);
    }
}

public sealed class ExperimentVariantSalesConfiguration : IEntityTypeConfiguration<ExperimentVariantSales>
{
    public void Configure(EntityTypeBuilder<ExperimentVariantSales> builder)
    {
        builder.ToTable("experiment_variant_sales");
        builder.HasKey(sales => new { sales.ExperimentId, sales.Variant, sales.Currency });
        builder.Property(sales => sales.Variant).HasMaxLength(64);
        builder.Property(sales => sales.Currency).HasMaxLength(3);
        builder.Property(sales => sales.Revenue).HasPrecision(24, 4);
        builder.Property(sales => sales.RevenueSquares).HasPrecision(38, 4);
        builder.Property(sales => sales.Discount).HasPrecision(24, 4);
    }
}
