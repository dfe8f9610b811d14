using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Conversions;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

public sealed class ConversionConfiguration : IEntityTypeConfiguration<Conversion>
{
    public const string UniqueOrderIdIndex = "ux_conversions_order_id";

    public void Configure(EntityTypeBuilder<Conversion> builder)
    {
        builder.HasKey(conversion => conversion.Id).HasName("PK_conversions");
        builder.Property(conversion => conversion.Id).ValueGeneratedNever();
        builder.Property(conversion => conversion.OrderId).HasMaxLength(ConversionRules.MaxOrderIdLength);
        builder.Property(conversion => conversion.Reason).HasMaxLength(32);
        builder.Property(conversion => conversion.Amount).HasPrecision(18, 2);
        builder.Property(conversion => conversion.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(conversion => conversion.CommissionAmount).HasPrecision(18, 2);
        builder.HasIndex(conversion => conversion.OrderId).IsUnique().HasDatabaseName(UniqueOrderIdIndex);
        builder.HasIndex(conversion => new { conversion.PartnerId, conversion.OrderedAt });
        builder.HasIndex(conversion => conversion.ClickId);
        builder.HasOne<Click>().WithMany().HasForeignKey(conversion => conversion.ClickId).OnDelete(DeleteBehavior.Restrict);
    }
}
