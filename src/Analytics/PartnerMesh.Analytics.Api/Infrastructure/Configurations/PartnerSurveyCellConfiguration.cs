using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Analytics.Api.Reporting;

namespace PartnerMesh.Analytics.Api.Infrastructure.Configurations;

public sealed class PartnerSurveyCellConfiguration : IEntityTypeConfiguration<PartnerSurveyCell>
{
    public void Configure(EntityTypeBuilder<PartnerSurveyCell> builder)
    {
        builder.ToTable("partner_survey_cells");

        // A partner's read takes its cells of a range of weeks through the key.
        builder.HasKey(cell => new { cell.PartnerId, cell.Week, cell.Dimension, cell.DimensionValue2 }).HasName("PK_partner_survey_cells");
        builder.Property(cell => cell.Dimension).HasMaxLength(50);
    }
}
