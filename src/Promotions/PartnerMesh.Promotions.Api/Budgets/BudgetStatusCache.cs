using System.Collections.Concurrent;
using System.Diagnostics;

namespace PartnerMesh.Promotions.Api.Budgets;

/// <summary>
/// The counters at their cap, kept in memory so product-page and cart evaluations can say "budget exhausted" without a
/// database read. Filled when a reservation is refused or reaches a cap here, and refreshed from PostgreSQL by
/// <see cref="BudgetMaintenance"/> for what other instances saw. A refresh read before a release here committed must not
/// bring the released cap back: keys released after the refresh began keep their "available" mark.
/// </summary>
public sealed class BudgetStatusCache
{
    private readonly ConcurrentDictionary<string, bool> _exhausted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _releasedAt = new(StringComparer.Ordinal);

    public bool IsExhausted(string key) => _exhausted.ContainsKey(key);

    public void MarkExhausted(string key) => _exhausted[key] = true;

    public void MarkAvailable(string key)
    {
        _releasedAt[key] = Stopwatch.GetTimestamp();
        _exhausted.TryRemove(key, out _);
    }

    /// <param name="readStartedAt">When the read of <paramref name="exhaustedKeys"/> began (<see cref="Stopwatch.GetTimestamp"/>).</param>
    public void Replace(IEnumerable<string> exhaustedKeys, long readStartedAt)
    {
        var current = exhaustedKeys.ToHashSet(StringComparer.Ordinal);
        foreach (var key in _exhausted.Keys.Where(key => !current.Contains(key)))
        {
            _exhausted.TryRemove(key, out _);
        }

        foreach (var key in current)
        {
            if (!(_releasedAt.TryGetValue(key, out var releasedAt) && releasedAt >= readStartedAt))
            {
                _exhausted[key] = true;
            }
        }

        foreach (var (key, releasedAt) in _releasedAt)
        {
            if (releasedAt < readStartedAt)
            {
                _releasedAt.TryRemove(new KeyValuePair<string, long>(key, releasedAt));
            }
        }
    }
}
