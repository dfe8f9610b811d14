using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Campaigns;
using PartnerMesh.Analytics.Api.Ingestion;
using PartnerMesh.Analytics.Api.Scorecards;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Analytics.Api.Infrastructure.Configurations;

public sealed class RawEventConfiguration : IEntityTypeConfiguration<RawEvent>
{
    public void Configure(EntityTypeBuilder<RawEvent> builder)
    {
        builder.ToTable("raw_events");
        builder.HasKey(raw => raw.EventId).HasName("PK_raw_events");
        builder.Property(raw => raw.EventId).HasMaxLength(300);
        builder.Property(raw => raw.Sequence).UseIdentityAlwaysColumn();
        builder.HasIndex([nameof(RawEvent.Sequence)], "ux_raw_events_sequence").IsUnique();
        builder.HasIndex([nameof(RawEvent.Sequence)], "ix_raw_events_pending").HasFilter("aggregated_at IS NULL");
        builder.Property(raw => raw.Payload).HasColumnType("jsonb");
        builder.Property(raw => raw.Source).HasMaxLength(20);
        builder.Property(raw => raw.Type).HasMaxLength(50);
    }
}

public sealed class ReplayRequestConfiguration : IEntityTypeConfiguration<ReplayRequest>
{
    public void Configure(EntityTypeBuilder<ReplayRequest> builder)
    {
        builder.ToTable("replay_requests");
        builder.HasKey(request => request.Id).HasName("PK_replay_requests");
        builder.Property(request => request.Id).ValueGeneratedNever();
        builder.Property(request => request.RequestedBy).HasMaxLength(Actor.MaxLength);
        builder.HasIndex(request => request.StartedAt).IsUnique().AreNullsDistinct(false)
            .HasFilter("started_at IS NULL").HasDatabaseName(Replayer.OneQueuedIndex);
        builder.HasIndex(request => request.RequestedAt);
    }
}

public sealed class KpiAggregateConfiguration : IEntityTypeConfiguration<KpiAggregate>
{
    public void Configure(EntityTypeBuilder<KpiAggregate> builder)
    {
        builder.ToTable("kpi_aggregates");
        builder.HasKey(row => new { row.Granularity, row.Dimension, row.DimensionValue, row.DimensionValue2, row.Period, row.Currency })
            .HasName("PK_kpi_aggregates");
        builder.Property(row => row.DimensionValue2).HasDefaultValue("");
        builder.Property(row => row.Period).HasColumnType("timestamp without time zone");
        foreach (var property in typeof(KpiAggregate).GetProperties().Where(property => property.PropertyType == typeof(decimal)))
        {
            builder.Property(property.Name).HasColumnType(AnalyticsDbContext.Money);
        }
    }
}

public sealed class SessionFactConfiguration : IEntityTypeConfiguration<SessionFact>
{
    public void Configure(EntityTypeBuilder<SessionFact> builder)
    {
        builder.ToTable("sessions");
        builder.HasKey(fact => fact.SessionId).HasName("PK_sessions");
        builder.Ignore(fact => fact.Dims);
    }
}

public sealed class CartFactConfiguration : IEntityTypeConfiguration<CartFact>
{
    public void Configure(EntityTypeBuilder<CartFact> builder)
    {
        builder.ToTable("carts");
        builder.HasKey(fact => fact.CartId).HasName("PK_carts");
        builder.Ignore(fact => fact.Dims);
        builder.Property(fact => fact.Total).HasColumnType(AnalyticsDbContext.Money);
        builder.HasIndex(fact => fact.LastSeenAt).HasDatabaseName("ix_carts_open").HasFilter("status = 'open'");
    }
}

public sealed class OrderFactConfiguration : IEntityTypeConfiguration<OrderFact>
{
    public void Configure(EntityTypeBuilder<OrderFact> builder)
    {
        builder.ToTable("orders");
        builder.HasKey(fact => fact.OrderId).HasName("PK_orders");
        builder.Ignore(fact => fact.Dims);
        builder.Property(fact => fact.Amount).HasColumnType(AnalyticsDbContext.Money);
        builder.Property(fact => fact.NetAmount).HasColumnType(AnalyticsDbContext.Money);
        builder.Property(fact => fact.Commission).HasColumnType(AnalyticsDbContext.Money);
        builder.Property(fact => fact.CommissionReversed).HasColumnType(AnalyticsDbContext.Money);
        builder.Property(fact => fact.RefundedAmount).HasColumnType(AnalyticsDbContext.Money);
    }
}

public sealed class CustomerFactConfiguration : IEntityTypeConfiguration<CustomerFact>
{
    public void Configure(EntityTypeBuilder<CustomerFact> builder)
    {
        builder.ToTable("customers");
        builder.HasKey(fact => fact.CustomerId).HasName("PK_customers");
        builder.HasIndex(fact => fact.LastOrderAt).HasDatabaseName("ix_customers_not_lapsed").HasFilter("NOT lapsed");
        builder.HasIndex(fact => fact.PartnerId);
    }
}

public sealed class ImpressionFactConfiguration : IEntityTypeConfiguration<ImpressionFact>
{
    public void Configure(EntityTypeBuilder<ImpressionFact> builder)
    {
        builder.ToTable("survey_impressions");
        builder.HasKey(fact => fact.ImpressionId).HasName("PK_survey_impressions");
        builder.Ignore(fact => fact.Dims);
    }
}

public sealed class UnlinkedClickEventConfiguration : IEntityTypeConfiguration<UnlinkedClickEvent>
{
    public void Configure(EntityTypeBuilder<UnlinkedClickEvent> builder)
    {
        builder.ToTable("unlinked_click_events");
        builder.HasKey(fact => fact.Id).HasName("PK_unlinked_click_events");
        builder.Property(fact => fact.Id).ValueGeneratedNever();
        builder.Property(fact => fact.Type).HasMaxLength(50);
        builder.HasIndex(fact => fact.ClickId);
        builder.HasIndex(fact => fact.OccurredAt);
    }
}

public sealed class PendingTakeBackConfiguration : IEntityTypeConfiguration<PendingTakeBack>
{
    public void Configure(EntityTypeBuilder<PendingTakeBack> builder)
    {
        builder.ToTable("pending_take_backs");
        builder.HasKey(takeBack => takeBack.Sequence).HasName("PK_pending_take_backs");
        builder.Property(takeBack => takeBack.Sequence).ValueGeneratedNever();
        builder.Property(takeBack => takeBack.Payload).HasColumnType("jsonb");
        builder.HasIndex(takeBack => takeBack.OrderId);
    }
}

public sealed class ConcentrationFlagConfiguration : IEntityTypeConfiguration<ConcentrationFlag>
{
    public void Configure(EntityTypeBuilder<ConcentrationFlag> builder)
    {
        builder.ToTable("concentration_flags");
        builder.HasKey(flag => new { flag.PartnerId, flag.Currency }).HasName("PK_concentration_flags");
        builder.Property(flag => flag.RevenueShare).HasColumnType("numeric(9,4)");
    }
}

public sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public const string UniqueIdempotencyKeyIndex = "ux_campaigns_idempotency_key";
    /// <summary>Unique over <see cref="CodeKey"/>: codes match <c>utm_campaign</c> in any case, so "BF" and "bf" are one code.</summary>
    public const string UniqueCodeIndex = "ux_campaigns_code";
    /// <summary>The code lower-cased by the database (a stored generated column), kept only for uniqueness.</summary>
    public const string CodeKey = "CodeKey";

    public void Configure(EntityTypeBuilder<Campaign> builder)
    {
        builder.ToTable("campaigns");
        builder.HasKey(campaign => campaign.Id).HasName("PK_campaigns");
        builder.Property(campaign => campaign.Id).ValueGeneratedNever();
        builder.Property(campaign => campaign.Name).HasMaxLength(200);
        builder.Property(campaign => campaign.Code).HasMaxLength(200);
        builder.Property(campaign => campaign.Targets).HasColumnType("jsonb");
        builder.Property(campaign => campaign.IdempotencyKey).HasMaxLength(100);
        builder.HasIndex(campaign => campaign.IdempotencyKey).IsUnique().HasDatabaseName(UniqueIdempotencyKeyIndex);
        builder.Property<string>(CodeKey).HasMaxLength(200).HasComputedColumnSql("lower(code)", stored: true);
        builder.HasIndex(CodeKey).IsUnique().HasDatabaseName(UniqueCodeIndex);
        builder.HasIndex(campaign => campaign.StartsOn);
    }
}
