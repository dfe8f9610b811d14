using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Coupons.Api.Generation;

namespace PartnerMesh.Coupons.Api.Infrastructure.Configurations;

public sealed class GenerationJobConfiguration : IEntityTypeConfiguration<GenerationJob>
{
    public void Configure(EntityTypeBuilder<GenerationJob> builder)
    {
        builder.ToTable("generation_jobs");
        builder.HasKey(job => job.Id);
        builder.Property(job => job.Id).ValueGeneratedNever();
        builder.Property(job => job.Pattern).HasMaxLength(64);
        builder.Property(job => job.Prefix).HasMaxLength(64);
        builder.Property(job => job.Suffix).HasMaxLength(64);
        builder.Property(job => job.Status).HasMaxLength(16);
        builder.Property(job => job.Kind).HasMaxLength(16);
        builder.Property(job => job.Error).HasMaxLength(1000);
        builder.Property(job => job.CreatedBy).HasMaxLength(200);
        builder.Property(job => job.CancelledBy).HasMaxLength(200);
        builder.HasIndex(job => job.CreatedAt).HasFilter("status IN ('queued', 'running')");
    }
}
