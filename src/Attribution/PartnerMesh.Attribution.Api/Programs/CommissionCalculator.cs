using PartnerMesh.Attribution.Api.Common;

namespace PartnerMesh.Attribution.Api.Programs;

/// <summary>An order line as the storefront reports it, for per-category commission.</summary>
public sealed record OrderLine(string? Category, decimal Amount);

public sealed record CommissionQuote(decimal Amount, string Currency, int Tier, decimal? TierRate);

/// <summary>Pure commission maths: plan × order × the partner's position in its volume tiers.</summary>
public static class CommissionCalculator
{
    /// <summary>A plain percentage of the order amount, rounded half away from zero to cents.</summary>
    public static decimal Calculate(decimal orderAmount, decimal commissionRate) => Money.ToCents(orderAmount * commissionRate);

    /// <summary>The tier (1-based; 0 = base terms) a partner is in with <paramref name="periodConversions"/> sales this period, this one included.</summary>
    public static int TierFor(CommissionPlan plan, int periodConversions)
    {
        var tier = 0;
        if (plan.Tiers is { } tiers)
        {
            for (var index = 0; index < tiers.Count; index++)
            {
                if (periodConversions >= tiers[index].MinConversions)
                {
                    tier = index + 1;
                }
            }
        }

        return tier;
    }

    /// <summary>
    /// Commission for one sale. Category terms win for their lines; other lines (or the whole order without lines) earn
    /// the tier's terms, else the base terms. Percent commission is in the order currency; fixed amounts in the program's,
    /// per order (<see cref="FixedForSale"/>). Lines must not add up to more than the order; any remainder earns the base terms.
    /// </summary>
    public static CommissionQuote ForSale(
        CommissionPlan plan, decimal orderAmount, string orderCurrency, string programCurrency, IReadOnlyList<OrderLine>? lines, int periodConversions)
    {
        var tierIndex = TierFor(plan, periodConversions);
        var tier = tierIndex > 0 ? plan.Tiers![tierIndex - 1] : null;
        var rate = tier?.Rate ?? plan.Rate ?? 0m;
        var fixedAmount = tier?.FixedAmount ?? plan.FixedAmount ?? 0m;

        if (plan.Type == CommissionPlan.Fixed)
        {
            return new CommissionQuote(Money.Round(FixedForSale(plan, fixedAmount, orderAmount, lines), programCurrency), programCurrency, tierIndex, tier?.Rate);
        }

        decimal commission;
        if (lines is { Count: > 0 })
        {
            commission = 0m;
            foreach (var line in lines)
            {
                var lineRate = line.Category is { } category && plan.Categories?.TryGetValue(category, out var terms) == true && terms.Rate is { } categoryRate
                    ? categoryRate
                    : rate;
                commission += line.Amount * lineRate;
            }

            commission += Math.Max(0m, orderAmount - lines.Sum(line => line.Amount)) * rate;
        }
        else
        {
            commission = orderAmount * rate;
        }

        return new CommissionQuote(Money.Round(commission, orderCurrency), orderCurrency, tierIndex, tier?.Rate);
    }

    /// <summary>
    /// A fixed plan's sale: per order, not per line. Each category with a fixed amount earns it once when the order has a
    /// line of it with a positive amount; the other lines with a positive amount, or what the lines do not cover, earn the
    /// base (or tier) amount once; a line of amount 0 earns nothing. So the commission is at most the base amount plus each
    /// category's amount once, however many lines the order has, and an order without lines earns the base amount.
    /// </summary>
    private static decimal FixedForSale(CommissionPlan plan, decimal baseAmount, decimal orderAmount, IReadOnlyList<OrderLine>? lines)
    {
        if (lines is not { Count: > 0 })
        {
            return baseAmount;
        }

        var earnsBase = orderAmount > lines.Sum(line => line.Amount);
        var categories = new HashSet<string>(StringComparer.Ordinal);
        var commission = 0m;
        foreach (var line in lines.Where(line => line.Amount > 0))
        {
            if (line.Category is { } category && plan.Categories?.TryGetValue(category, out var terms) == true && terms.FixedAmount is { } categoryAmount)
            {
                commission += categories.Add(category) ? categoryAmount : 0m;
            }
            else
            {
                earnsBase = true;
            }
        }

        return commission + (earnsBase ? baseAmount : 0m);
    }

    /// <summary>
    /// The commission a refund takes back: the refunded share of the order, computed on the cumulative refunds —
    /// round(commission × refunded so far ÷ order) less what earlier refunds already took back — so rounding never runs
    /// ahead of the refunds (six 1 JPY refunds of a 6 JPY order with 3 JPY commission take back 1, 0, 1, 0, 1, 0, not
    /// 1, 1, 1, 0, 0, 0); all that is left when the order is now fully refunded. Never negative, never more than is left.
    /// </summary>
    /// <param name="refundedSoFar">What the order's refunds paid back, this refund included.</param>
    public static decimal Reversal(decimal commission, decimal alreadyReversed, decimal orderAmount, decimal refundedSoFar, bool fullyRefunded, string currency)
    {
        var remaining = commission - alreadyReversed;
        if (fullyRefunded || orderAmount == 0)
        {
            return Money.Round(remaining, currency);
        }

        var due = Money.Round(commission * refundedSoFar / orderAmount, currency) - alreadyReversed;
        return Money.Round(Math.Clamp(due, 0m, Math.Max(0m, remaining)), currency);
    }

    /// <summary>Caps an amount by what is left of a budget; <c>null</c> budget = unlimited.</summary>
    public static decimal CapByBudget(decimal amount, decimal? budget, decimal alreadyBooked, string currency) =>
        budget is { } limit ? Money.Round(Math.Clamp(limit - alreadyBooked, 0m, amount), currency) : amount;

    /// <summary>
    /// Milestones reached by this order: the nth order of the customer, or an order at least N days after its first
    /// conversion. One per threshold: a plan stored before thresholds had to be unique pays the first one listed.
    /// </summary>
    public static IEnumerable<RetentionMilestone> MilestonesReached(
        CommissionPlan plan, int customerOrderCount, DateTimeOffset firstConversionAt, DateTimeOffset orderedAt) =>
        (plan.Milestones ?? []).Where(milestone =>
            (milestone.OrderCount is { } count && customerOrderCount == count)
            || (milestone.ActiveDays is { } days && orderedAt - firstConversionAt >= TimeSpan.FromDays(days)))
            .DistinctBy(milestone => (milestone.OrderCount, milestone.ActiveDays));
}
