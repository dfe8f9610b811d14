using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Promotions.Api.Definitions;

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
        builder.Property(promotion => promotion.IdempotencyKey).HasMaxLength(PromotionEndpoints.MaxIdempotencyKeyLength);
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
