using Microsoft.EntityFrameworkCore;

namespace PartnerMesh.Outbox;

public static class OutboxModelBuilderExtensions
{
    public const string OutboxTable = "outbox_messages";
    public const string InboxTable = "inbox_messages";

    /// <summary>Maps the outbox and inbox tables inside a service's own DbContext.</summary>
    public static ModelBuilder AddOutboxAndInbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable(OutboxTable);
            outbox.HasKey(message => message.Id);
            outbox.Property(message => message.Id).HasColumnName("id").ValueGeneratedNever();
            outbox.Property(message => message.MessageUrn).HasColumnName("message_urn").HasMaxLength(200);
            outbox.Property(message => message.Payload).HasColumnName("payload").HasColumnType("jsonb");
            outbox.Property(message => message.OccurredAt).HasColumnName("occurred_at");
            outbox.Property(message => message.TraceParent).HasColumnName("trace_parent").HasMaxLength(128);
            outbox.Property(message => message.Attempts).HasColumnName("attempts");
            outbox.Property(message => message.NextAttemptAt).HasColumnName("next_attempt_at");
            outbox.Property(message => message.PublishedAt).HasColumnName("published_at");
            outbox.Property(message => message.ParkedAt).HasColumnName("parked_at");
            outbox.Property(message => message.LastError).HasColumnName("last_error").HasMaxLength(2000);
            outbox.HasIndex(message => new { message.NextAttemptAt, message.OccurredAt })
                .HasDatabaseName("ix_outbox_messages_pending")
                .HasFilter("published_at IS NULL AND parked_at IS NULL");
            outbox.HasIndex(message => message.PublishedAt).HasDatabaseName("ix_outbox_messages_published_at");
        });

        modelBuilder.Entity<InboxMessage>(inbox =>
        {
            inbox.ToTable(InboxTable);
            inbox.HasKey(message => new { message.MessageId, message.Consumer });
            inbox.Property(message => message.MessageId).HasColumnName("message_id");
            inbox.Property(message => message.Consumer).HasColumnName("consumer").HasMaxLength(200);
            inbox.Property(message => message.ProcessedAt).HasColumnName("processed_at");
        });

        return modelBuilder;
    }
}
