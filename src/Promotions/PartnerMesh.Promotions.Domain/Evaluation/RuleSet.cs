using System.Collections.Frozen;
using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Experiments;

namespace PartnerMesh.Promotions.Domain.Evaluation;

/// <summary>
/// Every live promotion version, indexed so that an evaluation only looks at the promotions a cart can concern:
/// those whose item filter touches a line's product, category or collection, those whose code was entered, and those
/// with neither restriction. Immutable: a publish builds a new rule set and swaps it in.
/// </summary>
public sealed class RuleSet
{
    private readonly FrozenDictionary<string, CompiledPromotion[]> _byProduct;
    private readonly FrozenDictionary<string, CompiledPromotion[]> _byCategory;
    private readonly FrozenDictionary<string, CompiledPromotion[]> _byCollection;
    private readonly FrozenDictionary<string, CompiledPromotion[]> _byCode;
    private readonly CompiledPromotion[] _unrestricted;
    private readonly FrozenDictionary<Guid, CompiledPromotion> _byId;
    private readonly FrozenDictionary<Guid, DeclaredBudget[]> _budgets;
    private readonly FrozenDictionary<string, DeclaredBudget[]> _campaignBudgets;

    private readonly FrozenDictionary<Guid, (ExperimentDefinition Experiment, string Variant)> _arms;

    public RuleSet(
        long version, IEnumerable<CompiledPromotion> promotions, StackingMode mode = StackingMode.Stack, bool killSwitch = false,
        IEnumerable<ExperimentDefinition>? experiments = null)
    {
        Version = version;
        Mode = mode;
        KillSwitch = killSwitch;
        Promotions = [.. promotions.Order(CompiledPromotion.Order)];
        Experiments = [.. experiments ?? []];
        _arms = Experiments
            .OrderBy(experiment => experiment.Stopped) // a promotion a running experiment shows is that experiment's arm
            .SelectMany(experiment => experiment.Variants.Where(variant => variant.PromotionId is not null)
                .Select(variant => (PromotionId: variant.PromotionId!.Value, Arm: (experiment, variant.Key))))
            .DistinctBy(entry => entry.PromotionId)
            .ToFrozenDictionary(entry => entry.PromotionId, entry => entry.Arm);

        var byProduct = new Dictionary<string, List<CompiledPromotion>>(StringComparer.Ordinal);
        var byCategory = new Dictionary<string, List<CompiledPromotion>>(StringComparer.Ordinal);
        var byCollection = new Dictionary<string, List<CompiledPromotion>>(StringComparer.Ordinal);
        var byCode = new Dictionary<string, List<CompiledPromotion>>(StringComparer.Ordinal);
        var unrestricted = new List<CompiledPromotion>();
        foreach (var promotion in Promotions)
        {
            // A code-gated promotion with an item filter is also a candidate when the cart holds its items, so that the
            // answer can say code_required ("enter a code for 20 % off shoes"); without an item filter only its code finds it.
            if (promotion.IndexFilter is { } filter)
            {
                Add(byProduct, filter.ProductIds, promotion);
                Add(byCategory, filter.Categories, promotion);
                Add(byCollection, filter.Collections, promotion);
            }
            else if (!promotion.Definition.RequiresCode)
            {
                unrestricted.Add(promotion);
            }

            if (promotion.Codes.Count > 0)
            {
                Add(byCode, promotion.Codes, promotion);
            }
        }

        _byProduct = Freeze(byProduct);
        _byCategory = Freeze(byCategory);
        _byCollection = Freeze(byCollection);
        _byCode = Freeze(byCode);
        _unrestricted = [.. unrestricted];
        _byId = Promotions.ToFrozenDictionary(promotion => promotion.Id);
        var campaignBudgets = Promotions
            .Where(promotion => promotion.Definition.CampaignId is not null)
            .SelectMany(promotion => promotion.Definition.Budgets.Where(budget => budget.Scope == BudgetScope.Campaign)
                .Select(budget => (Campaign: promotion.Definition.CampaignId!, Budget: new DeclaredBudget(budget, promotion.Definition.Currency))))
            .GroupBy(entry => entry.Campaign, StringComparer.Ordinal)
            .ToFrozenDictionary(group => group.Key, group => group.Select(entry => entry.Budget).Distinct().ToArray(), StringComparer.Ordinal);
        _budgets = Promotions.ToFrozenDictionary(promotion => promotion.Id, promotion => (DeclaredBudget[])
        [
            .. promotion.Definition.Budgets.Where(budget => budget.Scope != BudgetScope.Campaign)
                .Select(budget => new DeclaredBudget(budget, promotion.Definition.Currency)),
            .. promotion.Definition.CampaignId is { } campaign ? campaignBudgets.GetValueOrDefault(campaign, []) : [],
        ]);
        _campaignBudgets = campaignBudgets;
        ConcernsPartners = Experiments.Any(experiment => experiment.PartnerId is not null)
            || Promotions.Any(promotion => promotion.PartnerIds.Count > 0 || promotion.Definition.Budgets.Any(budget => budget.Scope == BudgetScope.Partner));
    }

    public static RuleSet Empty { get; } = new(0, []);

    public long Version { get; }
    public StackingMode Mode { get; }
    public bool KillSwitch { get; }
    public IReadOnlyList<CompiledPromotion> Promotions { get; }

    /// <summary>Whether anything live depends on whose traffic a cart is (a partner condition, a per-partner budget, a
    /// partner-scoped experiment): only then is a click id worth resolving to its partner.</summary>
    public bool ConcernsPartners { get; }

    /// <summary>The running experiments; a promotion belongs to at most one.</summary>
    public IReadOnlyList<ExperimentDefinition> Experiments { get; }

    /// <summary>The running experiment a promotion is a variant of, and which variant.</summary>
    public (ExperimentDefinition Experiment, string Variant)? ArmOf(Guid promotionId) =>
        _arms.TryGetValue(promotionId, out var arm) ? arm : null;

    public bool IsKnownCode(string normalizedCode) => _byCode.ContainsKey(normalizedCode);

    /// <summary>The live promotions listing this code, in evaluation order.</summary>
    public IReadOnlyList<CompiledPromotion> PromotionsWithCode(string normalizedCode) =>
        _byCode.TryGetValue(normalizedCode, out var promotions) ? promotions : [];

    public CompiledPromotion? Find(Guid promotionId) => _byId.GetValueOrDefault(promotionId);

    /// <summary>
    /// The budgets a use of this promotion counts against and is limited by: its own promotion and partner budgets, and
    /// every campaign budget any live promotion of its campaign declares — a campaign's budget is the campaign's, so a
    /// promotion of the campaign that declares none, or another period, counts against it all the same. Two promotions
    /// declaring different caps for one campaign and period both hold: the tighter wins.
    /// </summary>
    public IReadOnlyList<DeclaredBudget> BudgetsOf(CompiledPromotion promotion) =>
        _budgets.TryGetValue(promotion.Id, out var budgets) ? budgets : [];

    /// <summary>Every campaign budget the live promotions of this campaign declare (duplicates once).</summary>
    public IReadOnlyList<DeclaredBudget> CampaignBudgetsOf(string campaignId) =>
        _campaignBudgets.TryGetValue(campaignId, out var budgets) ? budgets : [];

    /// <summary>The promotions this cart and these codes can concern, in evaluation order (class, priority, id).</summary>
    public List<CompiledPromotion> CandidatesFor(
        CartView cart, IReadOnlyCollection<string> normalizedCodes, IEnumerable<Guid>? unlockedPromotions = null)
    {
        var seen = new HashSet<CompiledPromotion>(ReferenceEqualityComparer.Instance);
        var candidates = new List<CompiledPromotion>(_unrestricted.Length + 8);
        foreach (var promotion in _unrestricted)
        {
            seen.Add(promotion);
            candidates.Add(promotion);
        }

        foreach (var line in cart.Lines)
        {
            Collect(_byProduct, line.ProductId, seen, candidates);
            foreach (var category in line.Categories)
            {
                Collect(_byCategory, category, seen, candidates);
            }

            foreach (var collection in line.Collections)
            {
                Collect(_byCollection, collection, seen, candidates);
            }
        }

        foreach (var code in normalizedCodes)
        {
            Collect(_byCode, code, seen, candidates);
        }

        foreach (var promotionId in unlockedPromotions ?? [])
        {
            if (_byId.TryGetValue(promotionId, out var promotion) && seen.Add(promotion))
            {
                candidates.Add(promotion);
            }
        }

        candidates.Sort(CompiledPromotion.Order);
        return candidates;
    }

    private static void Collect(
        FrozenDictionary<string, CompiledPromotion[]> index, string key, HashSet<CompiledPromotion> seen, List<CompiledPromotion> candidates)
    {
        if (index.TryGetValue(key, out var promotions))
        {
            foreach (var promotion in promotions)
            {
                if (seen.Add(promotion))
                {
                    candidates.Add(promotion);
                }
            }
        }
    }

    private static void Add(Dictionary<string, List<CompiledPromotion>> index, IEnumerable<string> keys, CompiledPromotion promotion)
    {
        foreach (var key in keys)
        {
            if (!index.TryGetValue(key, out var list))
            {
                index[key] = list = [];
            }

            if (list.Count == 0 || !ReferenceEquals(list[^1], promotion))
            {
                list.Add(promotion);
            }
        }
    }

    private static FrozenDictionary<string, CompiledPromotion[]> Freeze(Dictionary<string, List<CompiledPromotion>> index) =>
        index.ToFrozenDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);
}
