using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Analytics.Api.Kpis;

namespace PartnerMesh.Analytics.Api.Infrastructure.Configurations;

public sealed class ClickConversionConfiguration : IEntityTypeConfiguration<ClickConversion>
{
    public void Configure(EntityTypeBuilder<ClickConversion> builder)
    {
        builder.ToTable("click_conversions");
        builder.HasKey(click => click.ClickId).HasName("PK_click_conversions");
        builder.Property(click => click.ClickId).ValueGeneratedNever();
        builder.Property(click => click.Day).HasColumnType("date");
    }
}
