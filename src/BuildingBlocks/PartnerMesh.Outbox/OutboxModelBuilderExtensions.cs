using Microsoft.EntityFrameworkCore;

namespace PartnerMesh.Outbox;

public static class OutboxModelBuilderExtensions
{
    public const string OutboxTable = "outbox_messages";
    public const string InboxTable = "inbox_messages";

    /// <summary>
    /// Maps the outbox and inbox tables inside a service's own DbContext. Columns get their snake_case names (which the
    /// relay's SQL uses) from the naming convention of <c>UsePartnerMeshNpgsql</c>.
    /// </summary>
    public static ModelBuilder AddOutboxAndInbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable(OutboxTable);
            outbox.HasKey(message => message.Id).HasName("PK_outbox_messages");
            outbox.Property(message => message.Id).ValueGeneratedNever();
            outbox.Property(message => message.MessageUrn).HasMaxLength(200);
            outbox.Property(message => message.Payload).HasColumnType("jsonb");
            outbox.Property(message => message.TraceParent).HasMaxLength(128);
            outbox.Property(message => message.LastError).HasMaxLength(2000);
            outbox.HasIndex(message => new { message.NextAttemptAt, message.OccurredAt })
                .HasDatabaseName("ix_outbox_messages_pending")
                .HasFilter("published_at IS NULL AND parked_at IS NULL");
            outbox.HasIndex(message => message.PublishedAt);
        });

        modelBuilder.Entity<InboxMessage>(inbox =>
        {
            inbox.ToTable(InboxTable);
            inbox.HasKey(message => new { message.MessageId, message.Consumer }).HasName("PK_inbox_messages");
            inbox.Property(message => message.Consumer).HasMaxLength(200);
        });

        return modelBuilder;
    }
}
