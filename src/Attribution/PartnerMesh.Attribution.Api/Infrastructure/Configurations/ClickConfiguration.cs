using PartnerMesh.ServiceDefaults.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Attribution.Api.Clicks;
using PartnerMesh.Attribution.Api.Common;
using PartnerMesh.Attribution.Api.Links;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Attribution.Api.Infrastructure.Configurations;

public sealed class ClickConfiguration : IEntityTypeConfiguration<Click>, IEntityTypeConfiguration<ClickIdempotencyKey>
{
    public const string LinkForeignKey = "fk_clicks_referral_links_link_id";
    public const string IdempotencyKeyPrimaryKey = "PK_click_idempotency_keys";

    public void Configure(EntityTypeBuilder<Click> builder)
    {
        builder.HasKey(click => click.Id).HasName("PK_clicks");
        builder.Property(click => click.Id).ValueGeneratedNever();
        builder.Property(click => click.Code).HasMaxLength(LinkCode.MaxLength);
        builder.Property(click => click.VisitorId).HasMaxLength(ClickDetails.MaxVisitorIdLength);
        builder.Property(click => click.SourceKey).HasMaxLength(64);
        builder.Property(click => click.UtmSource).HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.UtmMedium).HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.UtmCampaign).HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.UtmTerm).HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.UtmContent).HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.Referrer).HasMaxLength(ClickDetails.MaxReferrerLength);
        builder.Property(click => click.LandingUrl).HasMaxLength(ClickDetails.MaxReferrerLength);
        builder.Property(click => click.UserAgent).HasMaxLength(ClickDetails.MaxUserAgentLength);
        builder.Property(click => click.Gclid).HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.Fbclid).HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.Msclkid).HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.Ttclid).HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.LiFatId).HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.Rdclid).HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.Twclid).HasMaxLength(ClickDetails.MaxParameterLength);
        builder.Property(click => click.Source).HasMaxLength(10).HasDefaultValue("redirect");
        builder.Ignore(click => click.HasPaidClickId);
        builder.HasIndex(click => new { click.PartnerId, click.OccurredAt });
        builder.HasIndex(click => click.LinkId);
        builder.HasIndex(click => new { click.VisitorId, click.OccurredAt });
        builder.HasIndex(click => new { click.SourceKey, click.OccurredAt });
        builder.HasOne<ReferralLink>().WithMany().HasForeignKey(click => click.LinkId).OnDelete(DeleteBehavior.Restrict)
            .HasConstraintName(LinkForeignKey);
    }

    public void Configure(EntityTypeBuilder<ClickIdempotencyKey> builder)
    {
        builder.ToTable("click_idempotency_keys");
        builder.HasKey(key => new { key.Caller, key.Key }).HasName(IdempotencyKeyPrimaryKey);
        builder.Property(key => key.Caller).HasMaxLength(Actor.MaxLength);
        builder.Property(key => key.Key).HasMaxLength(IdempotencyKeys.MaxLength);
        builder.Property(key => key.Fingerprint).HasMaxLength(IdempotencyKeys.FingerprintLength);
        builder.HasIndex(key => key.CreatedAt);
    }
}
