using System.Globalization;
using PartnerMesh.Promotions.Domain.Definitions;
using PartnerMesh.Promotions.Domain.Evaluation;
using PartnerMesh.ServiceDefaults.Customers;

namespace PartnerMesh.Promotions.Api.Budgets;

/// <summary>One cap a use of a promotion counts against, in the period the use falls in.</summary>
public sealed record BudgetClaim(
    Guid PromotionId, string Key, int? MaxUses, decimal? MaxSpend, string RefusalReason, BudgetScope? Scope, BudgetPeriod Period,
    string PeriodKey, string? CampaignId, Guid? PartnerId, string? Currency = null);

/// <summary>
/// Counter keys: <c>promotion:{id}:{period}</c>, <c>campaign:{campaign}:{period}</c>,
/// <c>partner:{id}:{partner}:{period}</c> and <c>customer:{id}:id:{customer id}</c> and <c>customer:{id}:email:{email}</c> (per-customer limits, lifetime). Periods are
/// UTC calendar periods: <c>all</c>, <c>2026-12-05</c>, ISO week <c>2026-W49</c>, <c>2026-12</c>, <c>2026</c>.
/// </summary>
public static class BudgetKeys
{
    /// <summary>The claims one use of <paramref name="promotion"/> at <paramref name="at"/> makes (in the periods that time
    /// falls in): its budgets as the rule set has them (<see cref="RuleSet.BudgetsOf"/>: its campaign's too), a spend cap
    /// in the currency of the promotion that declared it; null when a per-customer limit cannot be checked because the
    /// shopper has neither a customer id nor an email.</summary>
    public static IReadOnlyList<BudgetClaim>? ClaimsFor(RuleSet ruleSet, CompiledPromotion promotion, EvaluationContext context, DateTimeOffset at)
    {
        var definition = promotion.Definition;
        var budgets = ruleSet.BudgetsOf(promotion);
        var claims = new List<BudgetClaim>(budgets.Count + 1);
        foreach (var (budget, currency) in budgets)
        {
            var period = PeriodKey(budget.Period, at);
            var key = budget.Scope switch
            {
                BudgetScope.Campaign => $"campaign:{definition.CampaignId}:{period}",
                BudgetScope.Partner when context.PartnerId is { } partnerId => $"partner:{promotion.Id:N}:{partnerId:N}:{period}",
                BudgetScope.Partner => null, // a per-partner cap counts partner traffic only
                _ => $"promotion:{promotion.Id:N}:{period}",
            };
            if (key is not null)
            {
                claims.Add(new BudgetClaim(promotion.Id, key, budget.MaxUses, budget.MaxSpend, Domain.Evaluation.ReasonCodes.BudgetExhausted,
                    budget.Scope, budget.Period, period, definition.CampaignId, budget.Scope == BudgetScope.Partner ? context.PartnerId : null,
                    currency));
            }
        }

        if (definition.PerCustomerLimit is { } limit)
        {
            var customers = CustomerKeys(context.Customer);
            if (customers.Count == 0)
            {
                return null;
            }

            foreach (var customer in customers)
            {
                claims.Add(new BudgetClaim(promotion.Id, $"customer:{promotion.Id:N}:{customer}", limit, null,
                    Domain.Evaluation.ReasonCodes.UsageLimitReached, null, BudgetPeriod.Lifetime, "all", null, null));
            }
        }

        return claims;
    }

    /// <summary>
    /// The claims of one order as one entry per counter, in key order (the order every path locks counters in): a counter
    /// two applied promotions claim — their shared campaign cap — counts one use for the order, and the spend of both
    /// discounts; one promotion claiming a counter twice (two promotions of its campaign declare a cap for one period) adds
    /// its discount once. The entry keeps the first claim (its promotion is the one refused) with the strictest caps the claims name.
    /// A budget's uses are counted on its key, whatever the currency; its spend on a counter per currency,
    /// <c>{key}@{currency}</c> (<see cref="SpendKey"/>): money of two currencies is never added, and a spend cap — in its
    /// promotion's currency — is checked only against the spend of that currency.
    /// </summary>
    public static IReadOnlyList<(BudgetClaim Claim, decimal Spend)> PerCounter(IEnumerable<(BudgetClaim Claim, decimal Spend)> claims, string currency) =>
        [.. claims.SelectMany(entry => entry.Claim.Scope is null
                ? new[] { entry }
                : new[]
                {
                    (Claim: entry.Claim with { MaxSpend = null }, Spend: 0m),
                    (Claim: entry.Claim with
                    {
                        Key = SpendKey(entry.Claim.Key, currency),
                        MaxUses = null,
                        MaxSpend = string.Equals(entry.Claim.Currency, currency, StringComparison.Ordinal) ? entry.Claim.MaxSpend : null,
                    }, Spend: entry.Spend),
                })
            .GroupBy(entry => entry.Claim.Key, StringComparer.Ordinal)
            .Select(counter => (Claim: counter.First().Claim with
            {
                MaxUses = counter.Min(entry => entry.Claim.MaxUses),
                MaxSpend = counter.Min(entry => entry.Claim.MaxSpend),
            }, Spend: counter.DistinctBy(entry => entry.Claim.PromotionId).Sum(entry => entry.Spend)))
            .OrderBy(entry => entry.Claim.Key, StringComparer.Ordinal)];

    /// <summary>The counter of a budget's spend in one currency: <c>promotion:{id}:all@EUR</c> (a period never holds '@').</summary>
    public static string SpendKey(string key, string currency) => $"{key}@{currency}";

    /// <summary>
    /// Every identity a shopper presents: the customer id (trimmed) and the email (the shared rule, <see cref="CustomerEmail.Normalize"/>:
    /// invisible characters removed, NFKC, trimmed, lower-cased). A use counts against each, so the same person cannot use a promotion again by checking out as a guest with the account's email, or by
    /// signing in after using it as a guest.
    /// </summary>
    public static IReadOnlyList<string> CustomerKeys(Customer customer)
    {
        var keys = new List<string>(2);
        if (customer.Id?.Trim() is { Length: > 0 } id) // " c-1 " is customer c-1, as coupons keys it
        {
            keys.Add($"id:{id}");
        }

        if (CustomerEmail.Normalize(customer.Email) is { } email)
        {
            keys.Add($"email:{email}");
        }

        return keys;
    }

    public static string PeriodKey(BudgetPeriod period, DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return period switch
        {
            BudgetPeriod.Day => utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            BudgetPeriod.Week => $"{ISOWeek.GetYear(utc)}-W{ISOWeek.GetWeekOfYear(utc):00}",
            BudgetPeriod.Month => utc.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            BudgetPeriod.Year => utc.ToString("yyyy", CultureInfo.InvariantCulture),
            _ => "all",
        };
    }

    /// <summary>The current budget period (UTC calendar periods, ISO weeks, as the counters); lifetime runs over the schedule.</summary>
    public static (DateTimeOffset Since, DateTimeOffset Ends) PeriodBounds(BudgetPeriod period, DateTimeOffset now, Schedule? schedule)
    {
        var day = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        return period switch
        {
            BudgetPeriod.Day => (day, day.AddDays(1)),
            BudgetPeriod.Week => (ISOWeekStart(now), ISOWeekStart(now).AddDays(7)),
            BudgetPeriod.Month => (new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1)),
            BudgetPeriod.Year => (new DateTimeOffset(now.Year, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(now.Year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            _ => (schedule?.StartsAt ?? day.AddDays(-30), schedule?.EndsAt ?? DateTimeOffset.MaxValue),
        };
    }

    private static DateTimeOffset ISOWeekStart(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        var monday = ISOWeek.ToDateTime(ISOWeek.GetYear(utc), ISOWeek.GetWeekOfYear(utc), DayOfWeek.Monday);
        return new DateTimeOffset(monday, TimeSpan.Zero);
    }
}
