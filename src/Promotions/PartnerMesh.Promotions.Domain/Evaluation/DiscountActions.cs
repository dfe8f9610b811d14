using PartnerMesh.Promotions.Domain.Definitions;

namespace PartnerMesh.Promotions.Domain.Evaluation;

/// <param name="GiftUnitsAtZero">Free-gift units the cart already holds at unit price 0: given, though they discount nothing.</param>
/// <param name="LimitedBy">The promotion's own limit that cut the discount (<see cref="DiscountLimits"/>), null when none did.</param>
/// <param name="UncappedAmount">What the promotion would have given without that limit.</param>
internal sealed record ActionOutcome(
    decimal Amount, IReadOnlyList<LineDiscount> Lines, GiftItem? Gift = null, long GiftUnitsAtZero = 0,
    string? LimitedBy = null, decimal? UncappedAmount = null)
{
    /// <summary>Whether the action gives anything: a discount, a gift to add, or a gift already in the cart at 0.</summary>
    public bool GivesSomething => Amount > 0 || Gift is not null || GiftUnitsAtZero > 0;
}

/// <summary>Applies one promotion's action to the pricing state. Every discount is rounded to the currency's minor
/// unit once on the base its rule states (a percent off items: the matching lines together; per-unit actions: each
/// unit) and never exceeds what is left of its base, so no total goes below zero.</summary>
internal static class DiscountActions
{
    public static ActionOutcome Apply(CompiledPromotion promotion, PricingState state) => promotion.Definition.Action switch
    {
        PercentOffItems action => PercentOffItems(promotion.ActionFilter, action, state),
        FixedOffItems action => PerLine(promotion.ActionFilter, state,
            (line, remaining) => Math.Min(remaining, action.AmountPerUnit * line.Quantity)),
        FixedPrice action => PerLine(promotion.ActionFilter, state,
            (line, remaining) => Math.Max(0m, remaining - action.UnitPrice * line.Quantity)),
        BuyXGetY action => BuyXGetY(promotion.ActionFilter, promotion.GetFilter!, action, state),
        FreeGift action => FreeGift(promotion, action, state),
        PercentOffOrder action => PercentOffOrder(action, state),
        FixedOffOrder action => OrderDiscount(state, action.Amount),
        TieredOrderDiscount action => TieredOrder(action, state),
        PercentOffShipping action => ShippingDiscount(state, state.Round(state.ShippingRemaining * action.Percent / 100m)),
        FixedOffShipping action => ShippingDiscount(state, action.Amount),
        FreeShipping => ShippingDiscount(state, state.ShippingRemaining),
        var action => throw new ArgumentOutOfRangeException(nameof(promotion), action.GetType().Name, "Unknown action."),
    };

    /// <summary>Marks an outcome cut by the promotion's <c>maxDiscount</c>, with what it would have given.</summary>
    private static ActionOutcome CutByMaxDiscount(ActionOutcome outcome, decimal uncapped) =>
        outcome with { LimitedBy = DiscountLimits.MaxDiscount, UncappedAmount = uncapped };

    private static ActionOutcome PercentOffOrder(PercentOffOrder action, PricingState state)
    {
        var amount = state.Round(state.OrderRemaining * action.Percent / 100m);
        return action.MaxDiscount is { } cap && amount > cap
            ? CutByMaxDiscount(OrderDiscount(state, cap), amount)
            : OrderDiscount(state, amount);
    }

    /// <summary>
    /// The percent of the matching lines' whole remaining amount, rounded once, then shared across those lines in proportion
    /// to what each still costs (largest remainder): how the goods are split into lines cannot change the discount (three
    /// lines of 0.05 at 10 % give 0.02, as one line of 3 × 0.05 does; rounding each line would give 0.03).
    /// </summary>
    private static ActionOutcome PercentOffItems(CompiledFilter filter, PercentOffItems action, PricingState state)
    {
        var bases = new decimal[state.LineRemaining.Length];
        var total = 0m;
        for (var index = 0; index < bases.Length; index++)
        {
            if (filter.Matches(state.Cart.Lines[index]))
            {
                bases[index] = state.LineRemaining[index];
                total += bases[index];
            }
        }

        var amount = state.Round(total * action.Percent / 100m);
        return action.MaxDiscount is { } cap && amount > cap
            ? CutByMaxDiscount(TakeFromLines(state.Allocate(cap, bases), state), amount)
            : TakeFromLines(state.Allocate(amount, bases), state);
    }

    private static ActionOutcome PerLine(CompiledFilter filter, PricingState state, Func<CartLine, decimal, decimal> discountOf)
    {
        var discounts = new decimal[state.LineRemaining.Length];
        for (var index = 0; index < discounts.Length; index++)
        {
            var line = state.Cart.Lines[index];
            if (filter.Matches(line))
            {
                discounts[index] = state.Round(discountOf(line, state.LineRemaining[index]));
            }
        }

        return TakeFromLines(discounts, state);
    }

    /// <summary>
    /// Every application needs <c>BuyQuantity</c> bought units and <c>GetQuantity</c> given units, no unit counting twice;
    /// the given units are the cheapest qualifying ones (at equal price, units that can only be given go first, keeping
    /// units that can be bought for the buy side). The number of applications is the largest the cart allows, capped.
    /// </summary>
    private static ActionOutcome BuyXGetY(CompiledFilter buyFilter, CompiledFilter getFilter, BuyXGetY action, PricingState state)
    {
        var lines = state.Cart.Lines;
        long buyOnly = 0, getOnly = 0, both = 0;
        var givable = new List<(decimal UnitPrice, bool AlsoBuyable, int Index)>();
        for (var index = 0; index < lines.Count; index++)
        {
            var line = lines[index];
            if (state.LineRemaining[index] <= 0)
            {
                continue;
            }

            var canBuy = buyFilter.Matches(line);
            var canGet = getFilter.Matches(line);
            if (canBuy && canGet)
            {
                both += line.Quantity;
            }
            else if (canBuy)
            {
                buyOnly += line.Quantity;
            }
            else if (canGet)
            {
                getOnly += line.Quantity;
            }

            if (canGet)
            {
                givable.Add((state.LineRemaining[index] / line.Quantity, canBuy, index));
            }
        }

        long x = action.BuyQuantity, y = action.GetQuantity;
        bool Feasible(long n) => n * x <= buyOnly + both && n * y <= getOnly + both
            && Math.Max(0, n * x - buyOnly) + Math.Max(0, n * y - getOnly) <= both;

        long low = 0, high = Math.Min((buyOnly + both) / x, (getOnly + both) / y);
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            (low, high) = Feasible(middle) ? (middle, high) : (low, middle - 1);
        }

        decimal[] Discounts(long applications)
        {
            var toGive = applications * y;
            var sharedGivable = both - Math.Max(0, applications * x - buyOnly);
            var discounts = new decimal[lines.Count];
            foreach (var (unitPrice, alsoBuyable, index) in givable.OrderBy(entry => entry.UnitPrice)
                         .ThenBy(entry => entry.AlsoBuyable).ThenBy(entry => entry.Index))
            {
                if (toGive == 0)
                {
                    break;
                }

                var units = Math.Min(lines[index].Quantity, toGive);
                if (alsoBuyable)
                {
                    units = Math.Min(units, sharedGivable);
                    sharedGivable -= units;
                }

                toGive -= units;
                // Rounded per given unit, so units added in one line give what the same units in separate lines give.
                var perUnit = action.AmountOffPerUnit is { } amountOff ? Math.Min(amountOff, unitPrice) : unitPrice * (action.Percent ?? 100m) / 100m;
                discounts[index] = Math.Min(state.LineRemaining[index], state.Round(perUnit) * units);
            }

            return discounts;
        }

        // The cart allows more applications than maxApplications: say so, with what the cart would have had without it.
        if (action.MaxApplications is { } max && low > max)
        {
            var uncapped = Discounts(low).Sum();
            var capped = TakeFromLines(Discounts(max), state);
            return uncapped > capped.Amount ? capped with { LimitedBy = DiscountLimits.MaxApplications, UncappedAmount = uncapped } : capped;
        }

        return TakeFromLines(Discounts(low), state);
    }

    /// <summary>
    /// Units of the gift product fill the gift's quantity in line-id order: first those sent at unit price 0 (the gift lines
    /// the storefront added as <c>gifts</c> asked), then priced units, which become free; only what is still missing is
    /// listed to add. So once the storefront has added the gift at 0, the answer no longer asks for it.
    /// </summary>
    private static ActionOutcome FreeGift(CompiledPromotion promotion, FreeGift action, PricingState state)
    {
        var lines = state.Cart.Lines;
        long left = action.Quantity;
        for (var index = 0; index < lines.Count && left > 0; index++)
        {
            if (lines[index].ProductId == action.ProductId && lines[index].UnitPrice == 0)
            {
                left -= Math.Min(lines[index].Quantity, left);
            }
        }

        var atZero = action.Quantity - left;
        var discounts = new decimal[state.LineRemaining.Length];
        for (var index = 0; index < discounts.Length && left > 0; index++)
        {
            var line = lines[index];
            if (line.ProductId == action.ProductId && line.UnitPrice > 0 && state.LineRemaining[index] > 0)
            {
                var units = Math.Min(line.Quantity, left);
                left -= units;
                discounts[index] = Math.Min(state.LineRemaining[index], state.Round(state.LineRemaining[index] * units / line.Quantity));
            }
        }

        var outcome = TakeFromLines(discounts, state) with { GiftUnitsAtZero = atZero };
        return left > 0 ? outcome with { Gift = new GiftItem(promotion.Id, action.ProductId, (int)left) } : outcome;
    }

    private static ActionOutcome TieredOrder(TieredOrderDiscount action, PricingState state)
    {
        var tier = action.Tiers.LastOrDefault(tier => state.Cart.ItemsSubtotal >= tier.Threshold);
        if (tier is null)
        {
            return new ActionOutcome(0m, []);
        }

        var amount = tier.AmountOff ?? state.Round(state.OrderRemaining * (tier.Percent ?? 0m) / 100m);
        return OrderDiscount(state, amount);
    }

    private static ActionOutcome TakeFromLines(decimal[] discounts, PricingState state)
    {
        var lines = new List<LineDiscount>();
        var total = 0m;
        for (var index = 0; index < discounts.Length; index++)
        {
            var amount = Math.Min(discounts[index], state.LineRemaining[index]);
            if (amount > 0)
            {
                state.LineRemaining[index] -= amount;
                total += amount;
                lines.Add(new LineDiscount(state.Cart.Lines[index].Id, amount));
            }
        }

        return new ActionOutcome(total, lines);
    }

    /// <summary>An order discount, clamped to the order's remaining amount and allocated across lines by largest remainder
    /// in proportion to what each line still costs.</summary>
    private static ActionOutcome OrderDiscount(PricingState state, decimal amount)
    {
        var weights = new decimal[state.LineRemaining.Length];
        for (var index = 0; index < weights.Length; index++)
        {
            weights[index] = state.LineRemaining[index] - state.LineOrderAllocation[index];
        }

        var clamped = Math.Min(amount, weights.Sum());
        var shares = state.Allocate(clamped, weights);
        var lines = new List<LineDiscount>();
        for (var index = 0; index < shares.Length; index++)
        {
            if (shares[index] > 0)
            {
                state.LineOrderAllocation[index] += shares[index];
                lines.Add(new LineDiscount(state.Cart.Lines[index].Id, shares[index]));
            }
        }

        return new ActionOutcome(shares.Sum(), lines);
    }

    private static ActionOutcome ShippingDiscount(PricingState state, decimal amount)
    {
        var clamped = Math.Max(0m, Math.Min(amount, state.ShippingRemaining));
        state.ShippingRemaining -= clamped;
        return new ActionOutcome(clamped, []);
    }
}
