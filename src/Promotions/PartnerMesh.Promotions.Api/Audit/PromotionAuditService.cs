using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Promotions.Api.Budgets;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.Promotions.Api.RuleSets;
using PartnerMesh.Promotions.Domain.Audit;
using PartnerMesh.Promotions.Domain.Definitions;

namespace PartnerMesh.Promotions.Api.Audit;

public sealed record AuditReport(DateTimeOffset RanAt, int PromotionsAudited, double DurationMilliseconds, IReadOnlyList<AuditFinding> Findings);

/// <summary>
/// The audit over what is live (the in-memory rule set: published promotions, including those scheduled for later), with
/// each promotion-scoped budget's use in its current period from the counters. Publishing runs it with the version about
/// to go live in place of the current one, and is refused when that creates a blocking finding.
/// </summary>
public sealed class PromotionAuditService(RuleSetProvider ruleSets, PromotionsDbContext db, TimeProvider timeProvider)
{
    public async Task<AuditReport> AuditAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var now = timeProvider.GetUtcNow();
        var live = ruleSets.Current.Promotions;
        var usage = await UsageAsync(live.Select(promotion => (promotion.Id, promotion.Definition)).ToList(), now, cancellationToken);
        var audited = live.Select(promotion => new AuditedPromotion(promotion.Id, promotion.Definition, usage.GetValueOrDefault(promotion.Id))).ToList();
        var state = await db.RuleSetStates.AsNoTracking().SingleAsync(cancellationToken);
        var findings = PromotionAudit.Run(audited, state.StackingMode, state.MaxCombinedDiscountPercent, now);
        return new AuditReport(now, audited.Count, clock.Elapsed.TotalMilliseconds, findings);
    }

    /// <summary>The blocking findings publishing <paramref name="candidate"/> as promotion <paramref name="id"/> would create.</summary>
    public async Task<IReadOnlyList<AuditFinding>> BlockingForPublishAsync(Guid id, PromotionDefinition candidate, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var audited = ruleSets.Current.Promotions.Where(promotion => promotion.Id != id)
            .Select(promotion => new AuditedPromotion(promotion.Id, promotion.Definition))
            .Append(new AuditedPromotion(id, candidate)).ToList();
        var state = await db.RuleSetStates.AsNoTracking().SingleAsync(cancellationToken);
        return PromotionAudit.BlockingFor(PromotionAudit.Run(audited, state.StackingMode, state.MaxCombinedDiscountPercent, now), id);
    }

    private async Task<Dictionary<Guid, IReadOnlyList<BudgetUsage>>> UsageAsync(
        IReadOnlyList<(Guid Id, PromotionDefinition Definition)> promotions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var wanted = promotions
            .SelectMany(promotion => promotion.Definition.Budgets.Where(budget => budget.Scope == BudgetScope.Promotion)
                .Select(budget => (promotion.Id, Budget: budget, Key: $"promotion:{promotion.Id:N}:{BudgetKeys.PeriodKey(budget.Period, now)}",
                    promotion.Definition.Schedule)))
            .ToList();
        if (wanted.Count == 0)
        {
            return [];
        }

        var keys = wanted.Select(entry => entry.Key).Distinct().ToList();
        var counters = await db.BudgetCounters.AsNoTracking().Where(counter => keys.Contains(counter.Key))
            .ToDictionaryAsync(counter => counter.Key, cancellationToken);
        return wanted
            .Where(entry => counters.ContainsKey(entry.Key))
            .Select(entry =>
            {
                var (since, ends) = BudgetKeys.PeriodBounds(entry.Budget.Period, now, entry.Schedule);
                var counter = counters[entry.Key];
                return (entry.Id, Usage: new BudgetUsage(entry.Budget, counter.Uses, counter.Spend, since, ends));
            })
            .GroupBy(entry => entry.Id)
            .ToDictionary(group => group.Key, group => (IReadOnlyList<BudgetUsage>)[.. group.Select(entry => entry.Usage)]);
    }
}
