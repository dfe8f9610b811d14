using System.Collections.Concurrent;
using System.Diagnostics;
using PartnerMesh.Promotions.Api.RuleSets;
using PartnerMesh.Promotions.Domain.Evaluation;

namespace PartnerMesh.Promotions.Api.Budgets;

/// <summary>A counter as last seen: what it has counted and the caps its last reservation claimed with (which a later edit
/// may have changed: the cache judges with the live definitions' caps, <see cref="BudgetCaps"/>).</summary>
public sealed record CounterState(int Uses, decimal Spend, int? MaxUses, decimal? MaxSpend)
{
    public bool AtCap => Uses >= MaxUses || Spend >= MaxSpend;
}

/// <summary>
/// The counters that can refuse a use — those at their cap and those with a spend cap, judged by the caps the live
/// definitions declare now (<see cref="BudgetCaps"/>), not those a counter row stored — kept in memory so product-page
/// and cart evaluations give checkout's answer without a database round trip. Updated with what PostgreSQL returned
/// whenever a reservation here commits, is refused or is given back, and refreshed from PostgreSQL by
/// <see cref="BudgetMaintenance"/> for what other instances did. A refresh read before a change here committed must not
/// bring the older value back: keys changed after the refresh began keep the value seen here.
/// </summary>
public sealed class BudgetStatusCache(RuleSetProvider ruleSets)
{
    // One reference, swapped whole: a reader never pairs one rule set with another's caps.
    private CapsOfRuleSet? _caps;

    private readonly ConcurrentDictionary<string, CounterState> _counters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _changedAt = new(StringComparer.Ordinal);

    /// <summary>Whether the claim's use cap is known to be full: no use fits, whatever the cart.</summary>
    public bool IsUseCapFull(BudgetClaim claim) =>
        claim.MaxUses is { } maxUses && _counters.TryGetValue(claim.Key, out var counter) && counter.Uses >= maxUses;

    /// <summary>The counter as known here; null when nothing is known of it (below its caps).</summary>
    public CounterState? Known(string key) => _counters.GetValueOrDefault(key);

    /// <summary>
    /// The claim checkout's reservation would refuse first, judged by the counters as known here with the test its
    /// conditional UPDATE makes: one more use within the use cap, the spend within the spend cap. A counter not known here
    /// is below its caps.
    /// </summary>
    /// <param name="perCounter">The claims as <see cref="BudgetKeys.PerCounter"/> gives them, in the order checkout takes them.</param>
    /// <returns>The refused claim with the readable detail of its refusal.</returns>
    public (BudgetClaim Claim, string? Detail)? WouldRefuse(IReadOnlyList<(BudgetClaim Claim, decimal Spend)> perCounter)
    {
        foreach (var (claim, spend) in perCounter)
        {
            var counter = _counters.GetValueOrDefault(claim.Key);
            if ((counter?.Uses ?? 0) + 1 > claim.MaxUses || (counter?.Spend ?? 0m) + spend > claim.MaxSpend)
            {
                return (claim, BudgetRefusals.Describe(claim, counter, spend));
            }
        }

        return null;
    }

    /// <summary>A counter's committed value, as an UPDATE or a read here returned it.</summary>
    public void Record(string key, CounterState counter)
    {
        _changedAt[key] = Stopwatch.GetTimestamp();
        Keep(key, counter);
    }

    /// <summary>The caps of the live definitions, rebuilt when the rule set changes.</summary>
    public BudgetCaps Caps
    {
        get
        {
            var ruleSet = ruleSets.Current;
            var known = Volatile.Read(ref _caps);
            if (known is not null && ReferenceEquals(known.RuleSet, ruleSet))
            {
                return known.Caps;
            }

            var caps = BudgetCaps.Of(ruleSet);
            Volatile.Write(ref _caps, new CapsOfRuleSet(ruleSet, caps));
            return caps;
        }
    }

    /// <param name="counters">Every counter that can refuse a use under <see cref="Caps"/>, as read from PostgreSQL.</param>
    /// <param name="readStartedAt">When the read of <paramref name="counters"/> began (<see cref="Stopwatch.GetTimestamp"/>).</param>
    public void Replace(IReadOnlyDictionary<string, CounterState> counters, long readStartedAt)
    {
        foreach (var key in _counters.Keys.Where(key => !counters.ContainsKey(key) && !ChangedSince(key, readStartedAt)))
        {
            _counters.TryRemove(key, out _);
        }

        foreach (var (key, counter) in counters)
        {
            if (!ChangedSince(key, readStartedAt))
            {
                Keep(key, counter);
            }
        }

        foreach (var (key, changedAt) in _changedAt)
        {
            if (changedAt < readStartedAt)
            {
                _changedAt.TryRemove(new KeyValuePair<string, long>(key, changedAt));
            }
        }
    }

    private sealed record CapsOfRuleSet(RuleSet RuleSet, BudgetCaps Caps);

    private bool ChangedSince(string key, long timestamp) => _changedAt.TryGetValue(key, out var changedAt) && changedAt >= timestamp;

    /// <summary>A use-only counter below its live caps takes any one use: nothing to remember about it.</summary>
    private void Keep(string key, CounterState counter)
    {
        if (Caps.CanRefuse(key, counter.Uses))
        {
            _counters[key] = counter;
        }
        else
        {
            _counters.TryRemove(key, out _);
        }
    }
}
