using System.Globalization;
using PartnerMesh.Promotions.Domain.Definitions;

namespace PartnerMesh.Promotions.Api.Budgets;

/// <summary>The readable detail of a <c>budget_exhausted</c> rejection: which cap (scope and period) refused, and whether
/// its uses or its spend.</summary>
public static class BudgetRefusals
{
    /// <param name="counter">The counter as known when it refused (null: nothing counted yet).</param>
    /// <param name="spend">The discount the refused use would have added to the counter's spend.</param>
    /// <returns>Null for a per-customer limit, which the evaluator words itself.</returns>
    public static string? Describe(BudgetClaim claim, CounterState? counter, decimal spend)
    {
        if (claim.Scope is not { } scope)
        {
            return null;
        }

        var period = claim.Period == BudgetPeriod.Lifetime ? "lifetime" : $"{claim.Period.ToString().ToLowerInvariant()} {claim.PeriodKey}";
        var cap = scope switch
        {
            BudgetScope.Campaign => $"campaign {claim.CampaignId}'s budget ({period})",
            BudgetScope.Partner => $"the budget for partner {claim.PartnerId} ({period})",
            _ => $"the promotion's budget ({period})",
        };
        var uses = counter?.Uses ?? 0;
        return claim.MaxUses is { } maxUses && uses + 1 > maxUses
            ? $"{cap}: {uses} of {maxUses} uses taken, open checkouts included"
            : $"{cap}: {Amount(counter?.Spend ?? 0m)} of {Amount(claim.MaxSpend ?? 0m)} spent, open checkouts included; this discount ({Amount(spend)}) does not fit";
    }

    /// <summary>As the evaluator's details write amounts (<c>4</c>, <c>4.5</c>).</summary>
    private static string Amount(decimal amount) => amount.ToString("0.###", CultureInfo.InvariantCulture);
}
