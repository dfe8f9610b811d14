using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Promotions.Api.Definitions;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Promotions.Api.Infrastructure.Configurations;

public sealed class PromotionConfiguration : IEntityTypeConfiguration<Promotion>
{
    public const string UniqueIdempotencyKeyIndex = "ux_promotions_idempotency_key";

    public void Configure(EntityTypeBuilder<Promotion> builder)
    {
        builder.HasKey(promotion => promotion.Id);
        builder.Property(promotion => promotion.Id).ValueGeneratedNever();
        builder.Property(promotion => promotion.Name).HasMaxLength(200);
        builder.Property(promotion => promotion.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(promotion => promotion.IdempotencyKey).HasMaxLength(IdempotencyKeys.MaxLength);
        builder.Property(promotion => promotion.CreatedBy).HasMaxLength(200);
        builder.Property(promotion => promotion.RowVersion).IsRowVersion();
        builder.HasIndex(promotion => promotion.IdempotencyKey).IsUnique().HasDatabaseName(UniqueIdempotencyKeyIndex);
        builder.HasIndex(promotion => promotion.CreatedAt);
    }
}

public sealed class PromotionVersionConfiguration : IEntityTypeConfiguration<PromotionVersion>
{
    public void Configure(EntityTypeBuilder<PromotionVersion> builder)
    {
        builder.HasKey(version => new { version.PromotionId, version.Version });
        builder.Property(version => version.Definition).HasColumnType("jsonb");
        builder.Property(version => version.ChangedBy).HasMaxLength(200);
        builder.Property(version => version.Reason).HasMaxLength(500);
        builder.HasOne<Promotion>().WithMany().HasForeignKey(version => version.PromotionId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class PromotionChangeConfiguration : IEntityTypeConfiguration<PromotionChange>
{
    public void Configure(EntityTypeBuilder<PromotionChange> builder)
    {
        builder.ToTable("promotion_changes");
        builder.HasKey(change => change.Id);
        builder.Property(change => change.Id).ValueGeneratedNever();
        builder.Property(change => change.Action).HasConversion<string>().HasMaxLength(32);
        builder.Property(change => change.FromState).HasConversion<string>().HasMaxLength(16);
        builder.Property(change => change.ToState).HasConversion<string>().HasMaxLength(16);
        builder.Property(change => change.ChangedBy).HasMaxLength(200);
        builder.Property(change => change.Reason).HasMaxLength(500);
        builder.HasIndex(change => new { change.PromotionId, change.Id });
        builder.HasOne<Promotion>().WithMany().HasForeignKey(change => change.PromotionId).OnDelete(DeleteBehavior.Restrict);
    }
}
