using PartnerMesh.ServiceDefaults.WebApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerMesh.PartnerPortal.Api.Webhooks;

namespace PartnerMesh.PartnerPortal.Api.Infrastructure.Configurations;

public sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public const string UniqueIdempotencyKeyIndex = "ux_webhook_subscriptions_owner_idempotency_key";

    public void Configure(EntityTypeBuilder<WebhookSubscription> builder)
    {
        // A null among the event types once made every fan-out fail; the API refuses one, and so does the table.
        builder.ToTable("webhook_subscriptions", table =>
            table.HasCheckConstraint("ck_webhook_subscriptions_event_types_not_null", "array_position(event_types, NULL) IS NULL"));
        builder.HasKey(subscription => subscription.Id);
        builder.Property(subscription => subscription.Id).ValueGeneratedNever();
        builder.Property(subscription => subscription.Url).HasMaxLength(WebhookRules.MaxUrlLength);
        builder.Property(subscription => subscription.ProtectedSecret).HasMaxLength(2_000);
        builder.Property(subscription => subscription.PreviousProtectedSecret).HasMaxLength(2_000);
        builder.Property(subscription => subscription.SecretRotationKey).HasMaxLength(IdempotencyKeys.MaxLength);
        builder.Property(subscription => subscription.CreatedBy).HasMaxLength(200);
        builder.HasIndex(subscription => subscription.PartnerId);
        builder.Property(subscription => subscription.IdempotencyKey).HasMaxLength(IdempotencyKeys.MaxLength);
        // NULLS NOT DISTINCT: admins' subscriptions (no partner) share one key space.
        builder.HasIndex(subscription => new { subscription.PartnerId, subscription.IdempotencyKey }).IsUnique().AreNullsDistinct(false)
            .HasFilter("idempotency_key IS NOT NULL").HasDatabaseName(UniqueIdempotencyKeyIndex);
    }
}

public sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("webhook_deliveries");
        builder.HasKey(delivery => delivery.Id);
        builder.Property(delivery => delivery.Id).ValueGeneratedNever();
        builder.Property(delivery => delivery.EventType).HasMaxLength(100);
        builder.Property(delivery => delivery.Payload).HasColumnType("jsonb");
        builder.Property(delivery => delivery.Status).HasMaxLength(16);
        builder.Property(delivery => delivery.LastError).HasMaxLength(500);
        builder.HasIndex(delivery => new { delivery.SubscriptionId, delivery.EventId }).IsUnique();
        builder.HasIndex(delivery => delivery.NextAttemptAt).HasFilter("status = 'pending'");
        builder.HasOne<WebhookSubscription>().WithMany().HasForeignKey(delivery => delivery.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
    }
}
