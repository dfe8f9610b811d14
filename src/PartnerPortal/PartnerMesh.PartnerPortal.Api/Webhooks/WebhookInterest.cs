using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.PartnerPortal.Api.Infrastructure;

namespace PartnerMesh.PartnerPortal.Api.Webhooks;

/// <summary>
/// The event types some subscription records (an active one, or one switched off for failing) wants, so the fan-out skips the database for the many events nobody
/// subscribed to (every click is an event). Read from the database at most once per <see cref="MaxAge"/>, and again at
/// once after this instance creates or re-activates a subscription; another portal instance's new subscription is seen
/// within <see cref="MaxAge"/>. Only "nobody wants it" is trusted: the fan-out's insert still checks each subscription.
/// </summary>
public sealed class WebhookInterest(TimeProvider timeProvider) : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile Snapshot? _snapshot;
    private long _generation;

    private sealed record Snapshot(FrozenSet<string> Types, long Generation, long LoadedAt);

    /// <summary>Call after a subscription was created or switched on (once committed).</summary>
    public void Changed() => Interlocked.Increment(ref _generation);

    public async ValueTask<bool> AnyWantsAsync(string eventType, PortalDbContext db, CancellationToken cancellationToken)
    {
        var snapshot = Current() ?? await LoadAsync(db, cancellationToken);
        return snapshot.Types.Contains(eventType) || snapshot.Types.Contains(WebhookEventTypes.All);
    }

    private Snapshot? Current() =>
        _snapshot is { } snapshot && snapshot.Generation == Interlocked.Read(ref _generation) && timeProvider.GetElapsedTime(snapshot.LoadedAt) < MaxAge
            ? snapshot
            : null;

    public void Dispose() => _loading.Dispose();

    private async Task<Snapshot> LoadAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (Current() is { } fresh)
            {
                return fresh;
            }

            // The generation and the time are taken before the read: a change committed during it makes the result stale at once.
            var generation = Interlocked.Read(ref _generation);
            var loadedAt = timeProvider.GetTimestamp();
            var types = await db.WebhookSubscriptions.AsNoTracking().Where(subscription => subscription.Active || subscription.DisabledAt != null)
                .SelectMany(subscription => subscription.EventTypes).Distinct().ToListAsync(cancellationToken);
            var snapshot = new Snapshot(types.ToFrozenSet(StringComparer.Ordinal), generation, loadedAt);
            _snapshot = snapshot;
            return snapshot;
        }
        finally
        {
            _loading.Release();
        }
    }
}
