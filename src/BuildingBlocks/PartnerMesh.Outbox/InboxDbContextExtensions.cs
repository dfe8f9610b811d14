using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace PartnerMesh.Outbox;

public static class InboxDbContextExtensions
{
    /// <summary>
    /// Applies a consumer's effects at most once per message id: the inbox row and the effects (including any outbox rows)
    /// commit in one transaction. A concurrent duplicate blocks on the inbox key until the first commits, then is skipped.
    /// </summary>
    /// <returns><c>false</c> when the message had already been processed by this consumer.</returns>
    public static async Task<bool> ExecuteOnceAsync(
        this DbContext db, ConsumeContext context, string consumer, Func<CancellationToken, Task> effects)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"Message for {consumer} has no MessageId; the inbox cannot deduplicate it.");
        var cancellationToken = context.CancellationToken;
        var timeProvider = context.GetServiceOrCreateInstance<TimeProvider>();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var inserted = await db.Database.ExecuteSqlRawAsync(
            $"INSERT INTO {OutboxModelBuilderExtensions.InboxTable} (message_id, consumer, processed_at) VALUES ({{0}}, {{1}}, {{2}}) ON CONFLICT DO NOTHING",
            [messageId, consumer, timeProvider.GetUtcNow()],
            cancellationToken);

        if (inserted == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            context.GetServiceOrCreateInstance<OutboxMetrics>().Duplicate(consumer);
            return false;
        }

        await effects(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// The batch form of <see cref="ExecuteOnceAsync(DbContext, ConsumeContext, string, Func{CancellationToken, Task})"/>:
    /// one transaction records every message id of the batch in the inbox and applies the effects of those not seen
    /// before (each once, even when the batch carries a message twice). Ids are locked in order, so two overlapping
    /// batches cannot deadlock on the inbox.
    /// </summary>
    /// <returns>The messages whose effects were applied; empty when all had been processed.</returns>
    public static async Task<IReadOnlyList<ConsumeContext<T>>> ExecuteOnceAsync<T>(
        this DbContext db, ConsumeContext<Batch<T>> context, string consumer, Func<IReadOnlyList<ConsumeContext<T>>, CancellationToken, Task> effects)
        where T : class
    {
        // The batch's own context carries the consumer's scope; its messages' contexts do not.
        var cancellationToken = context.CancellationToken;
        var timeProvider = context.GetServiceOrCreateInstance<TimeProvider>();
        var messages = context.Message.ToList();
        var ids = messages
            .Select(message => message.MessageId
                ?? throw new InvalidOperationException($"Message for {consumer} has no MessageId; the inbox cannot deduplicate it."))
            .Distinct().Order().ToArray();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var inserted = await db.Database.SqlQueryRaw<Guid>(
                $$"""
                INSERT INTO {{OutboxModelBuilderExtensions.InboxTable}} (message_id, consumer, processed_at)
                SELECT id, {1}, {2} FROM unnest({0}::uuid[]) WITH ORDINALITY AS batch(id, position) ORDER BY position
                ON CONFLICT DO NOTHING
                RETURNING message_id AS "Value"
                """,
                ids, consumer, timeProvider.GetUtcNow())
            .ToListAsync(cancellationToken);
        var fresh = inserted.ToHashSet();
        var apply = messages.Where(message => fresh.Remove(message.MessageId!.Value)).ToList();
        var metrics = context.GetServiceOrCreateInstance<OutboxMetrics>();
        for (var skipped = messages.Count - apply.Count; skipped > 0; skipped--)
        {
            metrics.Duplicate(consumer);
        }

        if (apply.Count == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return [];
        }

        await effects(apply, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return apply;
    }
}
