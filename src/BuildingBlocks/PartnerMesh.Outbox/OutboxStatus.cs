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

        // One round trip: a single group over the unpublished rows with conditional aggregates.
        var summary = await db.Set<OutboxMessage>()
            .Where(message => message.PublishedAt == null)
            .GroupBy(_ => 1)
            .Select(unpublished => new
            {
                Pending = unpublished.Count(message => message.ParkedAt == null),
                Parked = unpublished.Count(message => message.ParkedAt != null),
                Oldest = unpublished.Where(message => message.ParkedAt == null).Min(message => (DateTimeOffset?)message.OccurredAt),
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (summary is null)
        {
            return new OutboxStatus(0, 0, null);
        }

        var oldestAge = (timeProvider.GetUtcNow() - summary.Oldest)?.TotalSeconds;
        return new OutboxStatus(summary.Pending, summary.Parked, oldestAge is { } age ? Math.Max(0, age) : null);
    }
}
