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
/// unit) and never exceeds what is left of its base, so no total goes below zero. Item actions work on groups of identical
/// goods (<see cref="LineGroups"/>), a unit's price being its group's remaining amount over the group's quantity, and share
/// each group's discount across its lines: how the same goods are split into lines changes no amount. Units a free gift
/// took take part in no item action after it (<see cref="PricingState.PaidQuantity"/>).</summary>
internal static class DiscountActions
{
    /// <summary>Groups of up to this many lines share their discount without allocating.</summary>
    private const int SmallGroup = 16;

    public static ActionOutcome Apply(CompiledPromotion promotion, PricingState state) => promotion.Definition.Action switch
    {
        PercentOffItems action => PercentOffItems(promotion.ActionFilter, action, state),
        FixedOffItems action => PerGroup(promotion.ActionFilter, state,
            (quantity, remaining) => Math.Min(remaining, action.AmountPerUnit * quantity)),
        FixedPrice action => PerGroup(promotion.ActionFilter, state,
            (quantity, remaining) => Math.Max(0m, remaining - action.UnitPrice * quantity)),
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
    /// The percent of the matching lines' whole remaining amount, rounded once, then shared across the matching groups of
    /// goods in proportion to what each still costs (largest remainder), and each group's share across its lines: how the
    /// goods are split into lines cannot change the discount (three lines of 0.05 at 10 % give 0.02, as one line of
    /// 3 × 0.05 does; rounding each line would give 0.03), nor what each group has left for the promotions after it.
    /// </summary>
    private static ActionOutcome PercentOffItems(CompiledFilter filter, PercentOffItems action, PricingState state)
    {
        var groups = state.Groups;
        var bases = new decimal[groups.Count];
        var total = 0m;
        for (var group = 0; group < bases.Length; group++)
        {
            if (filter.Matches(groups.Goods(group)))
            {
                bases[group] = state.GroupRemaining[group];
                total += bases[group];
            }
        }

        var amount = state.Round(total * action.Percent / 100m);
        return action.MaxDiscount is { } cap && amount > cap
            ? CutByMaxDiscount(TakeFromGroups(state.Allocate(cap, bases), state), amount)
            : TakeFromGroups(state.Allocate(amount, bases), state);
    }

    /// <summary>A discount worked out for each matching group from its quantity and what it still costs.</summary>
    private static ActionOutcome PerGroup(CompiledFilter filter, PricingState state, Func<long, decimal, decimal> discountOf)
    {
        var groups = state.Groups;
        var discounts = new decimal[groups.Count];
        for (var group = 0; group < discounts.Length; group++)
        {
            if (filter.Matches(groups.Goods(group)))
            {
                discounts[group] = state.Round(discountOf(state.PaidQuantity(group), state.GroupRemaining[group]));
            }
        }

        return TakeFromGroups(discounts, state);
    }

    /// <summary>
    /// Every application needs <c>BuyQuantity</c> bought units and <c>GetQuantity</c> given units, no unit counting twice;
    /// the given units are the cheapest qualifying ones (at equal price, units that can only be given go first, keeping
    /// units that can be bought for the buy side; then canonical order, by the goods). The number of applications is the
    /// largest the cart allows, capped. Units at 0 and units a free gift took are neither bought nor given.
    /// </summary>
    private static ActionOutcome BuyXGetY(CompiledFilter buyFilter, CompiledFilter getFilter, BuyXGetY action, PricingState state)
    {
        var groups = state.Groups;
        long buyOnly = 0, getOnly = 0, both = 0;
        var givable = new List<(decimal UnitPrice, bool AlsoBuyable, int Group)>();
        for (var group = 0; group < groups.Count; group++)
        {
            var quantity = state.PaidQuantity(group);
            if (state.GroupRemaining[group] <= 0 || quantity <= 0)
            {
                continue;
            }

            var goods = groups.Goods(group);
            var canBuy = buyFilter.Matches(goods);
            var canGet = getFilter.Matches(goods);
            if (canBuy && canGet)
            {
                both += quantity;
            }
            else if (canBuy)
            {
                buyOnly += quantity;
            }
            else if (canGet)
            {
                getOnly += quantity;
            }

            if (canGet)
            {
                // The group's units at one price: what is left of the goods over their quantity, however they are split.
                givable.Add((state.GroupRemaining[group] / quantity, canBuy, group));
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
            var discounts = new decimal[groups.Count];
            foreach (var (unitPrice, alsoBuyable, group) in givable.OrderBy(entry => entry.UnitPrice)
                         .ThenBy(entry => entry.AlsoBuyable).ThenBy(entry => entry.Group))
            {
                if (toGive == 0)
                {
                    break;
                }

                var units = Math.Min(state.PaidQuantity(group), toGive);
                if (alsoBuyable)
                {
                    units = Math.Min(units, sharedGivable);
                    sharedGivable -= units;
                }

                toGive -= units;
                // Rounded per given unit, so units added in one line give what the same units in separate lines give.
                var perUnit = action.AmountOffPerUnit is { } amountOff ? Math.Min(amountOff, unitPrice) : unitPrice * (action.Percent ?? 100m) / 100m;
                discounts[group] = Math.Min(state.GroupRemaining[group], state.Round(perUnit) * units);
            }

            return discounts;
        }

        // The cart allows more applications than maxApplications: say so, with what the cart would have had without it.
        if (action.MaxApplications is { } max && low > max)
        {
            var uncapped = Discounts(low).Sum();
            var capped = TakeFromGroups(Discounts(max), state);
            return uncapped > capped.Amount ? capped with { LimitedBy = DiscountLimits.MaxApplications, UncappedAmount = uncapped } : capped;
        }

        return TakeFromGroups(Discounts(low), state);
    }

    /// <summary>
    /// Units of the gift product fill the gift's quantity: first those sent at unit price 0 (the gift lines the storefront
    /// added as <c>gifts</c> asked), then priced units, which become free, group of identical goods by group (canonical
    /// order: the cheapest first); only what is still missing is listed to add. So once the storefront has added the gift
    /// at 0, the answer no longer asks for it. Each free gift takes its own units: a unit an earlier free gift took does
    /// not fill this one's quantity, and takes part in no item action after it.
    /// </summary>
    private static ActionOutcome FreeGift(CompiledPromotion promotion, FreeGift action, PricingState state)
    {
        var groups = state.Groups;
        long left = action.Quantity;
        for (var group = 0; group < groups.Count && left > 0; group++)
        {
            var goods = groups.Goods(group);
            if (goods.UnitPrice == 0 && goods.ProductId == action.ProductId)
            {
                var units = Math.Min(state.PaidQuantity(group), left);
                left -= units;
                state.TakeGiftUnits(group, units);
            }
        }

        var atZero = action.Quantity - left;
        var discounts = new decimal[groups.Count];
        for (var group = 0; group < discounts.Length && left > 0; group++)
        {
            var goods = groups.Goods(group);
            var remaining = state.GroupRemaining[group];
            var quantity = state.PaidQuantity(group);
            if (goods.UnitPrice > 0 && goods.ProductId == action.ProductId && remaining > 0 && quantity > 0)
            {
                var units = Math.Min(quantity, left);
                left -= units;
                discounts[group] = Math.Min(remaining, state.Round(remaining * units / quantity));
                state.TakeGiftUnits(group, units);
            }
        }

        var outcome = TakeFromGroups(discounts, state) with { GiftUnitsAtZero = atZero };
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

    /// <summary>
    /// Takes each group's discount (at most what the group still costs) from it and shares it across the group's lines in
    /// proportion to what each still costs, by largest remainder (ties: canonical order); the per-line amounts are listed
    /// in line-id order.
    /// </summary>
    private static ActionOutcome TakeFromGroups(decimal[] discounts, PricingState state)
    {
        var groups = state.Groups;
        var lines = new List<LineDiscount>();
        var total = 0m;
        if (groups.EveryGroupIsOneLine)
        {
            // Group g is line g, and GroupRemaining is LineRemaining.
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

            return new ActionOutcome(total, ByLineId(lines));
        }

        var byLine = new decimal[state.LineRemaining.Length];
        Span<decimal> buffer = stackalloc decimal[2 * SmallGroup];
        for (var group = 0; group < discounts.Length; group++)
        {
            var amount = Math.Min(discounts[group], state.GroupRemaining[group]);
            if (amount <= 0)
            {
                continue;
            }

            state.GroupRemaining[group] -= amount;
            var members = groups.LinesOf(group);
            if (members.Length == 1)
            {
                byLine[members[0]] = amount;
                continue;
            }

            var weights = members.Length <= SmallGroup ? buffer[..members.Length] : new decimal[members.Length];
            var shares = members.Length <= SmallGroup ? buffer.Slice(SmallGroup, members.Length) : new decimal[members.Length];
            for (var member = 0; member < members.Length; member++)
            {
                weights[member] = state.LineRemaining[members[member]];
            }

            state.Allocate(amount, weights, shares);
            for (var member = 0; member < members.Length; member++)
            {
                byLine[members[member]] = shares[member];
            }
        }

        for (var index = 0; index < byLine.Length; index++)
        {
            var amount = byLine[index];
            if (amount > 0)
            {
                state.LineRemaining[index] -= amount;
                total += amount;
                lines.Add(new LineDiscount(state.Cart.Lines[index].Id, amount));
            }
        }

        return new ActionOutcome(total, ByLineId(lines));
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

        return new ActionOutcome(shares.Sum(), ByLineId(lines));
    }

    /// <summary>Per-line amounts, worked out in canonical order, listed in line-id order.</summary>
    private static List<LineDiscount> ByLineId(List<LineDiscount> lines)
    {
        if (lines.Count > 1)
        {
            lines.Sort(static (left, right) => string.CompareOrdinal(left.LineId, right.LineId));
        }

        return lines;
    }

    private static ActionOutcome ShippingDiscount(PricingState state, decimal amount)
    {
        var clamped = Math.Max(0m, Math.Min(amount, state.ShippingRemaining));
        state.ShippingRemaining -= clamped;
        return new ActionOutcome(clamped, []);
    }
}
