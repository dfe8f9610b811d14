using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerMesh.Contracts;

namespace PartnerMesh.Outbox;

/// <summary>
/// One pass of the relay: claims due rows with <c>FOR UPDATE SKIP LOCKED</c> (so concurrent relays never take the same
/// row), publishes each with its row id as message id, and records the outcome in the same transaction.
/// A crash after publishing but before commit republishes the same message id, which consumers' inboxes absorb.
/// </summary>
public sealed partial class OutboxRelay<TDbContext>(
    TDbContext db,
    IOutboxPublisher publisher,
    IOptions<OutboxOptions> options,
    OutboxMetrics metrics,
    TimeProvider timeProvider,
    ILogger<OutboxRelay<TDbContext>> logger)
    where TDbContext : DbContext
{
    /// <returns>How many rows were claimed.</returns>
    public async Task<int> ProcessBatchAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = timeProvider.GetUtcNow();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var batch = await db.Set<OutboxMessage>()
            .FromSqlRaw(
                $$"""
                SELECT * FROM {{OutboxModelBuilderExtensions.OutboxTable}}
                WHERE published_at IS NULL AND parked_at IS NULL AND next_attempt_at <= {0}
                ORDER BY occurred_at
                LIMIT {1}
                FOR UPDATE SKIP LOCKED
                """,
                now, settings.BatchSize)
            .ToListAsync(cancellationToken);

        if (settings.PublishConcurrency > 1)
        {
            // Each publish updates only its own row's tracked entity; the single SaveChanges below writes them all.
            await Parallel.ForEachAsync(
                batch, new ParallelOptions { MaxDegreeOfParallelism = settings.PublishConcurrency, CancellationToken = cancellationToken },
                async (message, token) => await PublishOneAsync(message, settings, token));
        }
        else
        {
            foreach (var message in batch)
            {
                await PublishOneAsync(message, settings, cancellationToken);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return batch.Count;
    }

    public async Task<int> DeletePublishedAsync(CancellationToken cancellationToken)
    {
        var cutoff = timeProvider.GetUtcNow() - options.Value.Retention;
        return await db.Set<OutboxMessage>()
            .Where(message => message.PublishedAt != null && message.PublishedAt < cutoff)
            .ExecuteDeleteAsync(cancellationToken);
    }

    private async Task PublishOneAsync(OutboxMessage message, OutboxOptions settings, CancellationToken cancellationToken)
    {
        ActivityContext.TryParse(message.TraceParent, null, out var parent);
        using var activity = OutboxMetrics.ActivitySource.StartActivity(
            $"outbox relay {message.MessageUrn}", ActivityKind.Internal, parent);
        activity?.SetTag("messaging.message.id", message.Id);

        try
        {
            var eventType = IntegrationEventTypes.Resolve(message.MessageUrn);
            var payload = JsonSerializer.Deserialize(message.Payload, eventType, OutboxDbContextExtensions.SerializerOptions)
                ?? throw new InvalidOperationException("Outbox payload deserialized to null.");

            await publisher.PublishAsync(message.Id, payload, eventType, cancellationToken);

            var publishedAt = timeProvider.GetUtcNow();
            message.PublishedAt = publishedAt;
            message.Attempts++;
            metrics.Published(message.MessageUrn, publishedAt - message.OccurredAt);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            message.Attempts++;
            message.LastError = exception.Message.Length > 2000 ? exception.Message[..2000] : exception.Message;
            metrics.Failed(message.MessageUrn);
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);

            if (message.Attempts >= settings.MaxAttempts)
            {
                message.ParkedAt = timeProvider.GetUtcNow();
                metrics.Parked(message.MessageUrn);
                LogParked(logger, exception, message.Id, message.MessageUrn, message.Attempts);
            }
            else
            {
                var backoff = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, message.Attempts), settings.MaxBackoff.TotalSeconds));
                message.NextAttemptAt = timeProvider.GetUtcNow() + backoff;
                LogPublishFailed(logger, exception, message.Id, message.MessageUrn, message.Attempts, backoff);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing outbox message {MessageId} ({MessageUrn}) failed on attempt {Attempts}; retrying in {Backoff}")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, Guid messageId, string messageUrn, int attempts, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {MessageId} ({MessageUrn}) parked after {Attempts} attempts")]
    private static partial void LogParked(ILogger logger, Exception exception, Guid messageId, string messageUrn, int attempts);
}
