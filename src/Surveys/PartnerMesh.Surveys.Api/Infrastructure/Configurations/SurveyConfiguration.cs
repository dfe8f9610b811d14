using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Surveys.Api.Definitions;
using PartnerMesh.Surveys.Api.Responses;

namespace PartnerMesh.Surveys.Api.Infrastructure.Configurations;

public sealed class SurveyConfiguration : IEntityTypeConfiguration<Survey>
{
    public const string IdempotencyKeyIndex = "ux_surveys_idempotency_key";

    public void Configure(EntityTypeBuilder<Survey> builder)
    {
        builder.ToTable("surveys");
        builder.HasKey(survey => survey.Id);
        builder.Property(survey => survey.Name).HasMaxLength(SurveyRules.MaxNameLength);
        builder.Property(survey => survey.Kind).HasMaxLength(32);
        builder.Property(survey => survey.Trigger).HasMaxLength(32);
        builder.Property(survey => survey.EventName).HasMaxLength(SurveyRules.MaxKeyLength);
        builder.Property(survey => survey.FrequencyMode).HasMaxLength(32);
        builder.Property(survey => survey.SamplingPercent).HasPrecision(7, 4);
        builder.Property(survey => survey.IdempotencyKey).HasMaxLength(IdempotencyKeys.MaxLength);
        builder.Property(survey => survey.RequestHash).HasMaxLength(64);
        builder.Property(survey => survey.CreatedBy).HasMaxLength(200);
        builder.HasIndex(survey => survey.IdempotencyKey).IsUnique().HasDatabaseName(IdempotencyKeyIndex);
    }
}

public sealed class SurveyVersionConfiguration : IEntityTypeConfiguration<SurveyVersion>
{
    public void Configure(EntityTypeBuilder<SurveyVersion> builder)
    {
        builder.ToTable("survey_versions");
        builder.HasKey(version => new { version.SurveyId, version.Version });
        builder.Property(version => version.Questions).HasColumnType("jsonb");
    }
}

public sealed class ImpressionConfiguration : IEntityTypeConfiguration<Impression>
{
    public const string EmailLinkOrderIndex = "ux_survey_impressions_email_link_order";
    public const string IdempotencyKeyIndex = "ux_survey_impressions_idempotency_key";

    public void Configure(EntityTypeBuilder<Impression> builder)
    {
        builder.ToTable("survey_impressions");
        builder.HasKey(impression => impression.Id);
        builder.Property(impression => impression.SurveyKind).HasMaxLength(32);
        builder.Property(impression => impression.Trigger).HasMaxLength(32);
        builder.Property(impression => impression.Touchpoint).HasMaxLength(32);
        builder.Property(impression => impression.VisitorId).HasMaxLength(128);
        builder.Property(impression => impression.CustomerId).HasMaxLength(128);
        builder.Property(impression => impression.OrderId).HasMaxLength(128);
        builder.Property(impression => impression.CampaignId).HasMaxLength(128);
        builder.Property(impression => impression.TrafficSource).HasMaxLength(128);
        builder.HasIndex(impression => new { impression.SurveyId, impression.ShownAt });
        builder.HasIndex(impression => new { impression.PartnerId, impression.ShownAt });
        builder.HasIndex(impression => new { impression.SurveyId, impression.OrderId }).IsUnique()
            .HasFilter("trigger = 'email-link'").HasDatabaseName(EmailLinkOrderIndex);
        builder.Property(impression => impression.IdempotencyKey).HasMaxLength(IdempotencyKeys.MaxLength);
        builder.Property(impression => impression.RequestHash).HasMaxLength(64);
        builder.HasIndex(impression => impression.IdempotencyKey).IsUnique()
            .HasFilter("idempotency_key IS NOT NULL").HasDatabaseName(IdempotencyKeyIndex);
    }
}

public sealed class SubmissionConfiguration : IEntityTypeConfiguration<Submission>
{
    public const string ImpressionIndex = "ux_survey_responses_impression";
    public const string VisitorIndex = "ux_survey_responses_survey_visitor";
    public const string CustomerIndex = "ux_survey_responses_survey_customer";
    public const string IdempotencyKeyIndex = "ux_survey_responses_idempotency_key";

    public void Configure(EntityTypeBuilder<Submission> builder)
    {
        builder.ToTable("survey_responses");
        builder.HasKey(response => response.Id);
        builder.Property(response => response.SurveyKind).HasMaxLength(32);
        builder.Property(response => response.VisitorKey).HasMaxLength(128);
        builder.Property(response => response.VisitorId).HasMaxLength(128);
        builder.Property(response => response.CustomerId).HasMaxLength(128);
        builder.Property(response => response.CustomerKey).HasMaxLength(128);
        builder.Property(response => response.OrderId).HasMaxLength(128);
        builder.Property(response => response.CampaignId).HasMaxLength(128);
        builder.Property(response => response.Touchpoint).HasMaxLength(32);
        builder.Property(response => response.TrafficSource).HasMaxLength(128);
        builder.Property(response => response.Answers).HasColumnType("jsonb");
        builder.Property(response => response.IdempotencyKey).HasMaxLength(IdempotencyKeys.MaxLength);
        builder.Property(response => response.RequestHash).HasMaxLength(64);
        builder.HasIndex(response => response.ImpressionId).IsUnique().HasDatabaseName(ImpressionIndex);
        builder.HasIndex(response => new { response.SurveyId, response.VisitorKey }).IsUnique().HasDatabaseName(VisitorIndex);
        builder.HasIndex(response => new { response.SurveyId, response.CustomerKey }).IsUnique().HasDatabaseName(CustomerIndex);
        builder.HasIndex(response => response.IdempotencyKey).IsUnique().HasFilter("idempotency_key IS NOT NULL").HasDatabaseName(IdempotencyKeyIndex);
        builder.HasIndex(response => new { response.SurveyId, response.SubmittedAt });
        builder.HasIndex(response => new { response.PartnerId, response.SubmittedAt });
    }
}
