using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Promotions.Api.ProductPages;

namespace PartnerMesh.Promotions.Api.Infrastructure.Configurations;

public sealed class ProductPageContentConfiguration : IEntityTypeConfiguration<ProductPageContentEntry>
{
    public const string UniqueIdempotencyKeyIndex = "ux_product_page_contents_idempotency_key";

    public void Configure(EntityTypeBuilder<ProductPageContentEntry> builder)
    {
        builder.ToTable("product_page_contents");
        builder.HasKey(entry => entry.Id);
        builder.Property(entry => entry.Id).ValueGeneratedNever();
        builder.Property(entry => entry.Name).HasMaxLength(200);
        builder.Property(entry => entry.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(entry => entry.IdempotencyKey).HasMaxLength(100);
        builder.Property(entry => entry.CreatedBy).HasMaxLength(200);
        builder.HasIndex(entry => entry.IdempotencyKey).IsUnique().HasDatabaseName(UniqueIdempotencyKeyIndex)
            .HasFilter("idempotency_key IS NOT NULL");
        builder.HasIndex(entry => entry.PartnerId);
    }
}

public sealed class ProductPageContentVersionConfiguration : IEntityTypeConfiguration<ProductPageContentVersion>
{
    public void Configure(EntityTypeBuilder<ProductPageContentVersion> builder)
    {
        builder.ToTable("product_page_content_versions");
        builder.HasKey(version => new { version.ContentId, version.Version });
        builder.Property(version => version.Definition).HasColumnType("jsonb");
        builder.Property(version => version.ChangedBy).HasMaxLength(200);
        builder.Property(version => version.Reason).HasMaxLength(500);
        builder.HasOne<ProductPageContentEntry>().WithMany().HasForeignKey(version => version.ContentId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class ProductPageContentChangeConfiguration : IEntityTypeConfiguration<ProductPageContentChange>
{
    public void Configure(EntityTypeBuilder<ProductPageContentChange> builder)
    {
        builder.ToTable("product_page_content_changes");
        builder.HasKey(change => change.Id);
        builder.Property(change => change.Id).ValueGeneratedNever();
        builder.Property(change => change.Action).HasConversion<string>().HasMaxLength(32);
        builder.Property(change => change.FromState).HasConversion<string>().HasMaxLength(16);
        builder.Property(change => change.ToState).HasConversion<string>().HasMaxLength(16);
        builder.Property(change => change.ChangedBy).HasMaxLength(200);
        builder.Property(change => change.Reason).HasMaxLength(500);
        builder.HasIndex(change => new { change.ContentId, change.Id });
        builder.HasOne<ProductPageContentEntry>().WithMany().HasForeignKey(change => change.ContentId).OnDelete(DeleteBehavior.Restrict);
    }
}
