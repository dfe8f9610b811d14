using Microsoft.EntityFrameworkCore;

namespace PartnerMesh.Outbox;

/// <summary>Whether a service's outbox drains: what an operator checks first on a status endpoint.</summary>
/// <param name="Pending">Unpublished messages the relay still tries.</param>
/// <param name="Parked">Unpublished messages the relay gave up on (<see cref="OutboxMessage.ParkedAt"/>).</param>
/// <param name="OldestPendingAgeSeconds">Age of the oldest pending message; <c>null</c> when none is pending.</param>
public sealed record OutboxStatus(int Pending, int Parked, double? OldestPendingAgeSeconds);

public static class OutboxStatusExtensions
{
    /// <summary>Counts the pending and parked outbox messages of <paramref name="db"/> and ages the oldest pending one.</summary>
    public static async Task<OutboxStatus> GetOutboxStatusAsync(this DbContext db, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(timeProvider);

        var unpublished = db.Set<OutboxMessage>().Where(message => message.PublishedAt == null);
        var pending = unpublished.Where(message => message.ParkedAt == null);
        var pendingCount = await pending.CountAsync(cancellationToken);
        var parkedCount = await unpublished.CountAsync(message => message.ParkedAt != null, cancellationToken);
        var oldest = await pending.MinAsync(message => (DateTimeOffset?)message.OccurredAt, cancellationToken);

        var oldestAge = (timeProvider.GetUtcNow() - oldest)?.TotalSeconds;
        return new OutboxStatus(pendingCount, parkedCount, oldestAge is { } age ? Math.Max(0, age) : null);
    }
}
