using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Evaluation;

namespace PartnerMesh.Promotions.Domain.Audit;

/// <summary>A live or scheduled promotion as the audit sees it, with how much of its promotion-scoped budget it has used
/// in the budget's current period (since <see cref="BudgetUsage.Since"/>).</summary>
public sealed record AuditedPromotion(Guid Id, PromotionDefinition Definition, IReadOnlyList<BudgetUsage>? Usage = null);

public sealed record BudgetUsage(Budget Budget, int Uses, decimal Spend, DateTimeOffset Since, DateTimeOffset PeriodEnds);

public sealed record AuditFinding(string Code, string Severity, IReadOnlyList<Guid> PromotionIds, string Detail);

public static class AuditSeverities
{
    /// <summary>Publishing a promotion with this finding is refused.</summary>
    public const string Blocking = "blocking";
    public const string Warning = "warning";
}

public static class AuditCodes
{
    public const string ScheduleInPast = "schedule_in_past";
    public const string ImpossibleConditions = "impossible_conditions";
    public const string EmptyAudience = "empty_audience";
    public const string OverlappingExclusive = "overlapping_exclusive";
    public const string StacksPastMaximum = "stacks_past_maximum";
    public const string BudgetRunsOut = "budget_runs_out";
}

/// <summary>
/// Finds promotion conflicts before shoppers do. Two promotions can meet in one cart when their schedules, currencies,
/// partner and touchpoint conditions overlap and their item scopes share a product, category or collection (or either
/// has no item scope). The audit does not know the catalog, so a product-scoped and a category-scoped promotion are only
/// compared when one of them is unscoped. Work is grouped by scope key, not pairwise over everything, so 10,000
/// promotions take well under a second.
/// </summary>
public static class PromotionAudit
{
    public static IReadOnlyList<AuditFinding> Run(
        IReadOnlyList<AuditedPromotion> promotions, StackingMode mode, decimal? maxCombinedDiscountPercent, DateTimeOffset now)
    {
        var findings = new List<AuditFinding>();
        foreach (var promotion in promotions)
        {
            CheckAlone(promotion, now, findings);
        }

        var current = promotions.Where(promotion => promotion.Definition.Schedule?.EndsAt is not { } ends || ends > now).ToList();
        var groups = ScopeGroups(current);
        CheckExclusiveOverlaps(groups, findings);
        if (maxCombinedDiscountPercent is { } max)
        {
            CheckStacking(groups, mode, max, findings);
        }

        return findings;
    }

    /// <summary>The blocking findings that name <paramref name="promotionId"/>.</summary>
    public static IReadOnlyList<AuditFinding> BlockingFor(IReadOnlyList<AuditFinding> findings, Guid promotionId) =>
        [.. findings.Where(finding => finding.Severity == AuditSeverities.Blocking && finding.PromotionIds.Contains(promotionId))];

    private static void CheckAlone(AuditedPromotion promotion, DateTimeOffset now, List<AuditFinding> findings)
    {
        var definition = promotion.Definition;
        if (definition.Schedule?.EndsAt is { } endsAt && endsAt <= now)
        {
            findings.Add(new(AuditCodes.ScheduleInPast, AuditSeverities.Blocking, [promotion.Id], $"its schedule ended at {endsAt:O}: it can never apply"));
        }

        if (ImpossibleCondition(definition) is { } why)
        {
            findings.Add(new(AuditCodes.ImpossibleConditions, AuditSeverities.Blocking, [promotion.Id], why));
        }

        if (definition.RolloutPercent == 0)
        {
            findings.Add(new(AuditCodes.EmptyAudience, AuditSeverities.Warning, [promotion.Id], "rolled out to 0 % of visitors: nobody gets it"));
        }

        foreach (var usage in promotion.Usage ?? [])
        {
            if (BudgetExhaustion(usage, definition.Schedule?.EndsAt, now) is { } detail)
            {
                findings.Add(new(AuditCodes.BudgetRunsOut, AuditSeverities.Warning, [promotion.Id], detail));
            }
        }
    }

    private static string? ImpossibleCondition(PromotionDefinition definition)
    {
        var conditions = definition.Conditions;
        string? Disjoint<T>(Func<T, IEnumerable<string>> values, string what) where T : Condition
        {
            var sets = conditions.OfType<T>().Select(condition => values(condition).ToHashSet(StringComparer.OrdinalIgnoreCase)).ToList();
            if (sets.Any(set => set.Count == 0))
            {
                return $"a {what} condition lists none";
            }

            return sets.Count > 1 && sets.Skip(1).Aggregate(new HashSet<string>(sets[0], StringComparer.OrdinalIgnoreCase), (all, next) => { all.IntersectWith(next); return all; }).Count == 0
                ? $"its {what} conditions have nothing in common"
                : null;
        }

        return Disjoint<PartnerCondition>(condition => condition.PartnerIds.Select(id => id.ToString()), "partner")
            ?? Disjoint<TouchpointCondition>(condition => condition.Touchpoints.Select(touchpoint => touchpoint.ToString()), "touchpoint")
            ?? Disjoint<TrafficSourceCondition>(condition => condition.UtmSources, "traffic source")
            ?? Disjoint<CustomerSegmentCondition>(condition => condition.Segments, "customer segment")
            ?? conditions.OfType<TimeWindowCondition>().Select(window => window.Days.Count == 0 || (window.From == window.To && !window.IsWholeDay)
                ? "a time window with no days or no hours" : null).FirstOrDefault(why => why is not null);
    }

    /// <summary>At the burn rate since the period began, the budget runs out before the period (or the schedule) ends.</summary>
    private static string? BudgetExhaustion(BudgetUsage usage, DateTimeOffset? scheduleEnds, DateTimeOffset now)
    {
        var elapsed = (now - usage.Since).TotalHours;
        var horizon = scheduleEnds is { } ends && ends < usage.PeriodEnds ? ends : usage.PeriodEnds;
        var remainingHours = (horizon - now).TotalHours;
        if (elapsed <= 0 || remainingHours <= 0)
        {
            return null;
        }

        string? Check(double used, double? max, string unit)
        {
            if (max is not { } limit || used <= 0)
            {
                return null;
            }

            var hoursLeft = (limit - used) / (used / elapsed);
            return hoursLeft < remainingHours
                ? $"{used:0.##} of {limit:0.##} {unit} used since {usage.Since:O}: at this rate the {usage.Budget.Period.ToString().ToLowerInvariant()} budget runs out at {now.AddHours(Math.Max(0, hoursLeft)):O}, before {horizon:O}"
                : null;
        }

        return Check(usage.Uses, usage.Budget.MaxUses, "uses") ?? Check((double)usage.Spend, (double?)usage.Budget.MaxSpend, "spent");
    }

    /// <summary>Promotions grouped by every scope key they have; the unscoped ones belong to every group.</summary>
    private static List<List<AuditedPromotion>> ScopeGroups(List<AuditedPromotion> promotions)
    {
        var unscoped = new List<AuditedPromotion>();
        var byKey = new Dictionary<string, List<AuditedPromotion>>(StringComparer.Ordinal);
        foreach (var promotion in promotions)
        {
            var keys = ScopeKeys(promotion.Definition);
            if (keys.Count == 0)
            {
                unscoped.Add(promotion);
                continue;
            }

            foreach (var key in keys)
            {
                if (!byKey.TryGetValue(key, out var group))
                {
                    byKey[key] = group = [];
                }

                group.Add(promotion);
            }
        }

        var groups = byKey.Values.Select(group => group.Concat(unscoped).ToList()).ToList();
        groups.Add(unscoped);
        return groups;
    }

    private static HashSet<string> ScopeKeys(PromotionDefinition definition)
    {
        var filter = definition.Conditions.OfType<ItemsCondition>().FirstOrDefault(condition => !condition.Filter.IsEmpty)?.Filter
            ?? definition.Action switch
            {
                PercentOffItems { Filter: { IsEmpty: false } items } => items,
                FixedOffItems { Filter: { IsEmpty: false } items } => items,
                FixedPrice { Filter: { IsEmpty: false } items } => items,
                BuyXGetY { BuyFilter: { IsEmpty: false } items } => items,
                _ => null,
            };
        return filter is null
            ? []
            : [.. filter.ProductIds.Select(id => $"p:{id}"), .. filter.Categories.Select(id => $"c:{id}"), .. filter.Collections.Select(id => $"k:{id}")];
    }

    private static void CheckExclusiveOverlaps(List<List<AuditedPromotion>> groups, List<AuditFinding> findings)
    {
        var reported = new HashSet<(Guid, Guid)>();
        foreach (var group in groups)
        {
            var exclusives = group.Where(promotion => promotion.Definition.Exclusivity == Exclusivity.Exclusive).ToList();
            for (var i = 0; i < exclusives.Count; i++)
            {
                for (var j = i + 1; j < exclusives.Count; j++)
                {
                    var (a, b) = exclusives[i].Id.CompareTo(exclusives[j].Id) < 0 ? (exclusives[i], exclusives[j]) : (exclusives[j], exclusives[i]);
                    if (reported.Add((a.Id, b.Id)) && CanMeet(a.Definition, b.Definition))
                    {
                        var loser = (a.Definition.Priority, a.Id).CompareTo((b.Definition.Priority, b.Id)) < 0 ? b : a;
                        findings.Add(new(AuditCodes.OverlappingExclusive, AuditSeverities.Warning, [a.Id, b.Id],
                            $"two exclusive promotions can meet in one cart: where they do, only the first by priority applies and '{loser.Definition.Name}' never does"));
                    }
                }
            }
        }
    }

    /// <summary>
    /// The deepest discount percent promotions can stack to on one item: item-class percentages apply one after another
    /// (1 − Π(1 − p)), then order-class percentages on what remains. In the one-per-class modes (bestDeal, highestDiscount, lowestDiscount)
    /// one per class applies.
    /// </summary>
    private static void CheckStacking(List<List<AuditedPromotion>> groups, StackingMode mode, decimal max, List<AuditFinding> findings)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var stackable = group.Where(promotion => promotion.Definition.Exclusivity != Exclusivity.Exclusive).ToList();
            var items = stackable.Where(promotion => promotion.Definition.Action is PercentOffItems).ToList();
            var orders = stackable.Where(promotion => promotion.Definition.Action is PercentOffOrder { MaxDiscount: null }).ToList();
            if (items.Count + orders.Count < 2)
            {
                continue;
            }

            decimal Percent(AuditedPromotion promotion) => promotion.Definition.Action switch
            {
                PercentOffItems action => action.Percent,
                PercentOffOrder action => action.Percent,
                _ => 0,
            };
            IEnumerable<AuditedPromotion> Chosen(List<AuditedPromotion> candidates) =>
                mode.StacksAll() ? candidates : candidates.OrderByDescending(Percent).Take(1);
            var chosen = Chosen(items).Concat(Chosen(orders)).ToList();
            var remaining = chosen.Aggregate(1m, (left, promotion) => left * (1 - Percent(promotion) / 100m));
            var combined = decimal.Round((1 - remaining) * 100m, 2);
            var ids = chosen.Select(promotion => promotion.Id).Order().ToList();
            if (chosen.Count >= 2 && combined > max && reported.Add(string.Join(',', ids)))
            {
                findings.Add(new(AuditCodes.StacksPastMaximum, AuditSeverities.Blocking, ids,
                    $"together they can take {combined} % off one item, past the maximum of {max} %"));
            }
        }
    }

    private static bool CanMeet(PromotionDefinition a, PromotionDefinition b)
    {
        if (a.Currency is { } ca && b.Currency is { } cb && !string.Equals(ca, cb, StringComparison.Ordinal))
        {
            return false;
        }

        if ((a.Schedule?.StartsAt ?? DateTimeOffset.MinValue) >= (b.Schedule?.EndsAt ?? DateTimeOffset.MaxValue)
            || (b.Schedule?.StartsAt ?? DateTimeOffset.MinValue) >= (a.Schedule?.EndsAt ?? DateTimeOffset.MaxValue))
        {
            return false;
        }

        static HashSet<string>? Values<T>(PromotionDefinition definition, Func<T, IEnumerable<string>> values) where T : Condition =>
            definition.Conditions.OfType<T>().FirstOrDefault() is { } condition ? values(condition).ToHashSet(StringComparer.OrdinalIgnoreCase) : null;
        static bool Overlap(HashSet<string>? left, HashSet<string>? right) => left is null || right is null || left.Overlaps(right);

        return Overlap(Values<PartnerCondition>(a, c => c.PartnerIds.Select(id => id.ToString())), Values<PartnerCondition>(b, c => c.PartnerIds.Select(id => id.ToString())))
            && Overlap(Values<TouchpointCondition>(a, c => c.Touchpoints.Select(t => t.ToString())), Values<TouchpointCondition>(b, c => c.Touchpoints.Select(t => t.ToString())))
            && Overlap(Values<TrafficSourceCondition>(a, c => c.UtmSources), Values<TrafficSourceCondition>(b, c => c.UtmSources));
    }
}
