using System.Collections.Concurrent;

namespace PartnerMesh.Promotions.Api.Budgets;

/// <summary>
/// The counters at their cap, kept in memory so product-page and cart evaluations can say "budget exhausted" without a
/// database read. Filled when a reservation is refused or reaches a cap here, and refreshed from PostgreSQL by
/// <see cref="BudgetMaintenance"/> for what other instances saw. Checkout never trusts it: it reserves.
/// </summary>
public sealed class BudgetStatusCache
{
    private readonly ConcurrentDictionary<string, bool> _exhausted = new(StringComparer.Ordinal);

    public bool IsExhausted(string key) => _exhausted.ContainsKey(key);

    public void MarkExhausted(string key) => _exhausted[key] = true;

    public void MarkAvailable(string key) => _exhausted.TryRemove(key, out _);

    public void Replace(IEnumerable<string> exhaustedKeys)
    {
        var current = exhaustedKeys.ToHashSet(StringComparer.Ordinal);
        foreach (var key in _exhausted.Keys.Where(key => !current.Contains(key)))
        {
            _exhausted.TryRemove(key, out _);
        }

        foreach (var key in current)
        {
            _exhausted[key] = true;
        }
    }
}
