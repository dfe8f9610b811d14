using System.Collections.Concurrent;

namespace PartnerMesh.Gateway.RateLimiting;

/// <summary>Per-instance fixed-window counters: the fallback while Redis cannot be reached.</summary>
public sealed class InMemoryWindowCounter
{
    private const int PruneThreshold = 10_000;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public long Increment(string partition, long windowStart)
    {
        if (_windows.Count > PruneThreshold)
        {
            foreach (var (key, window) in _windows)
            {
                if (window.Start < windowStart)
                {
                    _windows.TryRemove(key, out _);
                }
            }
        }

        var current = _windows.AddOrUpdate(
            partition,
            _ => new Window(windowStart),
            (_, existing) => existing.Start == windowStart ? existing : new Window(windowStart));
        return current.Increment();
    }

    private sealed class Window(long start)
    {
        private long _count;

        public long Start { get; } = start;

        public long Increment() => Interlocked.Increment(ref _count);
    }
}
