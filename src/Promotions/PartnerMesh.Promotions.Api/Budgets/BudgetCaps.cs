using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Evaluation;

namespace PartnerMesh.Promotions.Api.Budgets;

/// <summary>
/// Which counters can refuse a use under the caps the live definitions declare now — not the caps a counter row stored at
/// its last reservation, which an edit tightening a cap (or another promotion of the campaign claiming the same counter with
/// its own cap) leaves behind. Counters are grouped by owner (<see cref="Owner"/>): a promotion's, a campaign's, a promotion's
/// per-partner or per-customer counters. An owner is judged by its strictest use cap, whatever the period, and whether any of
/// its caps limits spend: more counters are remembered than strictly needed, never fewer.
/// </summary>
public sealed class BudgetCaps
{
    public static readonly BudgetCaps None = new(new Dictionary<string, (int MinUses, bool SpendCapped)>(StringComparer.Ordinal));

    /// <summary>The owner of a counter key, in SQL (<see cref="Owner"/>): a campaign id may hold ':', the period never does.</summary>
    public const string OwnerSql = "CASE WHEN starts_with(key, 'campaign:') THEN regexp_replace(key, ':[^:]*$', '') ELSE split_part(key, ':', 1) || ':' || split_part(key, ':', 2) END";

    private readonly Dictionary<string, (int MinUses, bool SpendCapped)> _owners;

    private BudgetCaps(Dictionary<string, (int MinUses, bool SpendCapped)> owners) => _owners = owners;

    public static BudgetCaps Of(RuleSet ruleSet)
    {
        var owners = new Dictionary<string, (int MinUses, bool SpendCapped)>(StringComparer.Ordinal);
        void Add(string owner, int? maxUses, decimal? maxSpend)
        {
            var (minUses, spendCapped) = owners.GetValueOrDefault(owner, (int.MaxValue, false));
            owners[owner] = (Math.Min(minUses, maxUses ?? int.MaxValue), spendCapped || maxSpend is not null);
        }

        foreach (var promotion in ruleSet.Promotions)
        {
            var definition = promotion.Definition;
            foreach (var budget in definition.Budgets)
            {
                Add(budget.Scope switch
                {
                    BudgetScope.Campaign => $"campaign:{definition.CampaignId}",
                    BudgetScope.Partner => $"partner:{promotion.Id:N}",
                    _ => $"promotion:{promotion.Id:N}",
                }, budget.MaxUses, budget.MaxSpend);
            }

            if (definition.PerCustomerLimit is { } limit)
            {
                Add($"customer:{promotion.Id:N}", limit, null);
            }
        }

        return new BudgetCaps(owners);
    }

    /// <summary><c>campaign:{campaign}</c>, <c>promotion:{id}</c>, <c>partner:{id}</c>, <c>customer:{id}</c>.</summary>
    public static string Owner(string key)
    {
        if (key.StartsWith("campaign:", StringComparison.Ordinal))
        {
            return key[..key.LastIndexOf(':')];
        }

        var first = key.IndexOf(':');
        var second = first < 0 ? -1 : key.IndexOf(':', first + 1);
        return second < 0 ? key : key[..second];
    }

    /// <summary>Whether a counter can refuse a use under today's caps: at the strictest use cap of its owner, or under a spend cap.</summary>
    public bool CanRefuse(string key, int uses) =>
        _owners.TryGetValue(Owner(key), out var caps) && (caps.SpendCapped || uses >= caps.MinUses);

    /// <summary>The owners with caps, as arrays for the refresh's SQL.</summary>
    public (string[] Owners, int[] MinUses, bool[] SpendCapped) ToArrays() =>
        ([.. _owners.Keys], [.. _owners.Values.Select(caps => caps.MinUses)], [.. _owners.Values.Select(caps => caps.SpendCapped)]);
}
