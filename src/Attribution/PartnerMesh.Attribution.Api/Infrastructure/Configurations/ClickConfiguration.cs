using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Links;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

public sealed class ClickConfiguration : IEntityTypeConfiguration<Click>
{
    public const string LinkForeignKey = "fk_clicks_referral_links_link_id";

    public void Configure(EntityTypeBuilder<Click> builder)
    {
        builder.ToTable("clicks");
        builder.HasKey(click => click.Id);
        builder.Property(click => click.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(click => click.LinkId).HasColumnName("link_id");
        builder.Property(click => click.PartnerId).HasColumnName("partner_id");
        builder.Property(click => click.Code).HasColumnName("code").HasMaxLength(LinkCode.MaxLength);
        builder.Property(click => click.VisitorId).HasColumnName("visitor_id").HasMaxLength(ClickDetails.MaxVisitorIdLength);
        builder.Property(click => click.UtmSource).HasColumnName("utm_source").HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.UtmMedium).HasColumnName("utm_medium").HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.UtmCampaign).HasColumnName("utm_campaign").HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.UtmTerm).HasColumnName("utm_term").HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.UtmContent).HasColumnName("utm_content").HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.Referrer).HasColumnName("referrer").HasMaxLength(ClickDetails.MaxReferrerLength);
        builder.Property(click => click.UserAgent).HasColumnName("user_agent").HasMaxLength(ClickDetails.MaxUserAgentLength);
        builder.Property(click => click.Gclid).HasColumnName("gclid").HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.Fbclid).HasColumnName("fbclid").HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.Msclkid).HasColumnName("msclkid").HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.Ttclid).HasColumnName("ttclid").HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.OccurredAt).HasColumnName("occurred_at");
        builder.HasIndex(click => new { click.PartnerId, click.OccurredAt }).HasDatabaseName("ix_clicks_partner_id_occurred_at");
        builder.HasIndex(click => click.LinkId).HasDatabaseName("ix_clicks_link_id");
        builder.HasOne<ReferralLink>().WithMany().HasForeignKey(click => click.LinkId).OnDelete(DeleteBehavior.Restrict)
            .HasConstraintName(LinkForeignKey);
    }
}
