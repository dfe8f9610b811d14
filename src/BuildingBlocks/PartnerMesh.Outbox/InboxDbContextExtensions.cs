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
}
