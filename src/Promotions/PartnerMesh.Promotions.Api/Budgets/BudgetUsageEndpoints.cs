using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Promotions.Api.Definitions;
using PartnerMesh.Promotions.Api.Infrastructure;
using PartnerMesh.Promotions.Api.RuleSets;
using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Evaluation;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;

namespace PartnerMesh.Promotions.Api.Budgets;

/// <param name="Version">The version whose budgets are reported: the live one (the latest before a first publish).</param>
public sealed record BudgetUsageResponse(Guid PromotionId, int Version, DateTimeOffset At, IReadOnlyList<BudgetUse> Budgets);

/// <summary>
/// One budget of the promotion in its current period: its own, and every campaign budget another live promotion of its
/// campaign declares (they count and limit its uses too). <see cref="Spend"/> is in the currency of the promotion that
/// declared the budget (discounts given in other currencies are not added to it; 0 for a promotion without a currency). <see cref="Uses"/> and <see cref="Spend"/> include the checkout
/// reservations of quotes that have not expired: they are what the next reservation is checked against. A partner budget
/// is counted per partner (<see cref="Partners"/>); its <see cref="Uses"/> and <see cref="Spend"/> are their sums, and its
/// remaining amounts are per partner only.
/// </summary>
/// <param name="PeriodStartsAt">Null for a lifetime budget.</param>
/// <param name="PeriodEndsAt">Null for a lifetime budget.</param>
public sealed record BudgetUse(
    BudgetScope Scope, BudgetPeriod Period, string PeriodKey, DateTimeOffset? PeriodStartsAt, DateTimeOffset? PeriodEndsAt, string? CampaignId,
    int? MaxUses, decimal? MaxSpend, int Uses, decimal Spend, int? RemainingUses, decimal? RemainingSpend, IReadOnlyList<PartnerBudgetUse>? Partners);

public sealed record PartnerBudgetUse(Guid PartnerId, int Uses, decimal Spend, int? RemainingUses, decimal? RemainingSpend);

public static class BudgetUsageEndpoints
{
    public static RouteGroupBuilder MapBudgetUsageEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/promotions/definitions").WithTags("Promotions").RequireAuthorization(PartnerMeshPolicies.Admin);

        group.MapGet("/{id:guid}/budgets", GetBudgetUsage).WithName(nameof(GetBudgetUsage)).ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    /// <summary>How much of each budget the promotion has used in the current period, read from the counters checkout reserves against.</summary>
    private static async Task<Results<Ok<BudgetUsageResponse>, ProblemHttpResult>> GetBudgetUsage(
        Guid id, PromotionCatalog catalog, PromotionsDbContext db, RuleSetProvider ruleSets, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (await catalog.CountedDefinitionAsync(id, cancellationToken) is not var (version, definition))
        {
            return Problems.NotFound("Promotion not found", $"No promotion has id {id}.");
        }

        var now = timeProvider.GetUtcNow();
        // Its own budgets, then the campaign budgets other live promotions of its campaign declare: they count its uses too.
        var declared = definition.Budgets.Select(budget => new DeclaredBudget(budget, definition.Currency)).ToList();
        if (definition.CampaignId is { } campaign)
        {
            declared.AddRange(ruleSets.Current.CampaignBudgetsOf(campaign).Where(budget => !declared.Contains(budget)));
        }

        var budgets = new List<BudgetUse>(declared.Count);
        foreach (var (budget, budgetCurrency) in declared)
        {
            var periodKey = BudgetKeys.PeriodKey(budget.Period, now);
            var (startsAt, endsAt) = budget.Period == BudgetPeriod.Lifetime
                ? ((DateTimeOffset?)null, (DateTimeOffset?)null)
                : BudgetKeys.PeriodBounds(budget.Period, now, definition.Schedule);
            var campaignId = budget.Scope == BudgetScope.Campaign ? definition.CampaignId : null;
            if (budget.Scope == BudgetScope.Partner)
            {
                var partners = await PartnerCountersAsync(db, id, periodKey, definition.Currency, cancellationToken);
                var perPartner = partners.Select(entry => new PartnerBudgetUse(
                    entry.PartnerId, entry.Uses, entry.Spend, Remaining(budget.MaxUses, entry.Uses),
                    Remaining(budget.MaxSpend, entry.Spend))).ToList();
                budgets.Add(new BudgetUse(budget.Scope, budget.Period, periodKey, startsAt, endsAt, campaignId, budget.MaxUses, budget.MaxSpend,
                    perPartner.Sum(partner => partner.Uses), perPartner.Sum(partner => partner.Spend), null, null, perPartner));
                continue;
            }

            var key = budget.Scope == BudgetScope.Campaign ? $"campaign:{definition.CampaignId}:{periodKey}" : $"promotion:{id:N}:{periodKey}";
            var spendKey = budgetCurrency is { } currency ? BudgetKeys.SpendKey(key, currency) : null;
            var counters = await db.BudgetCounters.AsNoTracking().Where(counter => counter.Key == key || counter.Key == spendKey).ToListAsync(cancellationToken);
            var uses = counters.SingleOrDefault(counter => counter.Key == key)?.Uses ?? 0;
            var spend = counters.SingleOrDefault(counter => counter.Key == spendKey)?.Spend ?? 0m;
            budgets.Add(new BudgetUse(budget.Scope, budget.Period, periodKey, startsAt, endsAt, campaignId, budget.MaxUses, budget.MaxSpend,
                uses, spend, Remaining(budget.MaxUses, uses), Remaining(budget.MaxSpend, spend), null));
        }

        return TypedResults.Ok(new BudgetUsageResponse(id, version, now, budgets));
    }

    /// <summary>The partner counters of one promotion in one period (<c>partner:{promotion}:{partner}:{period}</c>, its spend
    /// in the promotion's currency <c>…@{currency}</c>), by partner id.</summary>
    private static async Task<List<(Guid PartnerId, int Uses, decimal Spend)>> PartnerCountersAsync(
        PromotionsDbContext db, Guid promotionId, string periodKey, string? currency, CancellationToken cancellationToken)
    {
        var prefix = $"partner:{promotionId:N}:";
        var suffix = $":{periodKey}";
        var spendSuffix = currency is null ? null : BudgetKeys.SpendKey(suffix, currency);
        var counters = await db.BudgetCounters.AsNoTracking()
            .Where(counter => counter.Key.StartsWith(prefix) && (counter.Key.EndsWith(suffix) || (spendSuffix != null && counter.Key.EndsWith(spendSuffix))))
            .ToListAsync(cancellationToken);
        Guid? PartnerOf(string key, string end) =>
            key.EndsWith(end, StringComparison.Ordinal) && Guid.TryParseExact(key[prefix.Length..^end.Length], "N", out var partnerId) ? partnerId : null;
        var spends = spendSuffix is null ? [] : counters
            .Select(counter => (Partner: PartnerOf(counter.Key, spendSuffix), counter.Spend))
            .Where(entry => entry.Partner is not null)
            .ToDictionary(entry => entry.Partner!.Value, entry => entry.Spend);
        return [.. counters
            .Select(counter => (Partner: PartnerOf(counter.Key, suffix), counter.Uses))
            .Where(entry => entry.Partner is not null)
            .Select(entry => (entry.Partner!.Value, entry.Uses, spends.GetValueOrDefault(entry.Partner!.Value)))
            .OrderBy(entry => entry.Item1)];
    }

    private static int? Remaining(int? max, int used) => max is { } cap ? Math.Max(0, cap - used) : null;

    private static decimal? Remaining(decimal? max, decimal used) => max is { } cap ? Math.Max(0, cap - used) : null;
}
