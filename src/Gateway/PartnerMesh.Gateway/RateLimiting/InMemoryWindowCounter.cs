using System.Collections.Concurrent;

namespace PartnerMesh.Gateway.RateLimiting;

/// <summary>Per-instance fixed-window counters: the fallback while Redis cannot be reached.</summary>
public sealed class InMemoryWindowCounter
{
    private const int PruneThreshold = 10_000;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private long _prunedWindow = long.MinValue;

    public long Increment(string partition, long windowStart)
    {
        PruneOncePerWindow(windowStart);

        var current = _windows.AddOrUpdate(
            partition,
            _ => new Window(windowStart),
            (_, existing) => existing.Start == windowStart ? existing : new Window(windowStart));
        return current.Increment();
    }

    /// <summary>
    /// The first request of a window (and only that one) drops the counters of earlier windows, if there are many.
    /// Only the stale value itself is removed, so a current-window counter another thread has just put in its place stays.
    /// </summary>
    private void PruneOncePerWindow(long windowStart)
    {
        var pruned = Interlocked.Read(ref _prunedWindow);
        if (pruned >= windowStart
            || Interlocked.CompareExchange(ref _prunedWindow, windowStart, pruned) != pruned
            || _windows.Count <= PruneThreshold)
        {
            return;
        }

        foreach (var entry in _windows)
        {
            if (entry.Value.Start < windowStart)
            {
                _windows.TryRemove(entry);
            }
        }
    }

    private sealed class Window(long start)
    {
        private long _count;

        public long Start { get; } = start;

        public long Increment() => Interlocked.Increment(ref _count);
    }
}
