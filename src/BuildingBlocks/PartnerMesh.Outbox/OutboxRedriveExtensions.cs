using Microsoft.EntityFrameworkCore;

namespace PartnerMesh.Outbox;

public static class OutboxRedriveExtensions
{
    /// <summary>
    /// Gives every parked message of <paramref name="db"/> a fresh start once its cause is fixed: no longer parked, no
    /// attempts, due now, so the relay publishes it on its next pass (<see cref="OutboxMessage.LastError"/> is kept for
    /// the record). One statement; rows the relay is working on are never parked, so it never races the relay.
    /// </summary>
    /// <returns>How many messages were re-driven.</returns>
    public static Task<int> RedriveParkedOutboxAsync(this DbContext db, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(timeProvider);

        var now = timeProvider.GetUtcNow();
        return db.Set<OutboxMessage>()
            .Where(message => message.PublishedAt == null && message.ParkedAt != null)
            .ExecuteUpdateAsync(
                setters => setters
                    .SetProperty(message => message.ParkedAt, (DateTimeOffset?)null)
                    .SetProperty(message => message.Attempts, 0)
                    .SetProperty(message => message.NextAttemptAt, now),
                cancellationToken);
    }
}
