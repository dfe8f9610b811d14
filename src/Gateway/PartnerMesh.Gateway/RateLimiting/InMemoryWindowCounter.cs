using System.Collections.Concurrent;

namespace PartnerMesh.Gateway.RateLimiting;

/// <summary>
/// Per-instance fixed-window counters: the rate limiter's fallback while Redis cannot be reached, and the failed-
/// authentication budget. With <paramref name="maxPartitions"/>, a partition new in a full counter goes uncounted
/// (<see cref="Increment"/> answers 0) rather than grow memory.
/// </summary>
public sealed class InMemoryWindowCounter(int maxPartitions = int.MaxValue)
{
    private const int PruneThreshold = 10_000;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private long _prunedWindow = long.MinValue;

    public int Partitions => _windows.Count;

    /// <summary>The count of <paramref name="partition"/> in the window starting at <paramref name="windowStart"/>.</summary>
    public long Count(string partition, long windowStart) =>
        _windows.TryGetValue(partition, out var window) && window.Start == windowStart ? window.Count : 0;

    public long Increment(string partition, long windowStart)
    {
        PruneOncePerWindow(windowStart);
        if (_windows.Count >= maxPartitions && !_windows.ContainsKey(partition))
        {
            return 0;
        }

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

        public long Count => Interlocked.Read(ref _count);

        public long Increment() => Interlocked.Increment(ref _count);
    }
}
