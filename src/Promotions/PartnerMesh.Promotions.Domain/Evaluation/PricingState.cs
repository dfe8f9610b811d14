using PartnerMesh.Promotions.Domain.Money;

namespace PartnerMesh.Promotions.Domain.Evaluation;

/// <summary>What is left to discount while promotions apply one after another (canonical line order,
/// <see cref="CanonicalLineOrder"/>). Item actions read and discount groups of identical goods (<see cref="LineGroups"/>);
/// each line keeps its share, for the answer.</summary>
internal sealed class PricingState
{
    public PricingState(CartView cart)
    {
        Cart = cart;
        Groups = cart.Groups;
        LineRemaining = [.. cart.Lines.Select(line => line.Subtotal)];
        GroupRemaining = Groups.EveryGroupIsOneLine ? LineRemaining : new decimal[Groups.Count];
        if (!Groups.EveryGroupIsOneLine)
        {
            for (var index = 0; index < LineRemaining.Length; index++)
            {
                GroupRemaining[Groups.GroupOf(index)] += LineRemaining[index];
            }
        }

        LineOrderAllocation = new decimal[cart.Lines.Count];
        ShippingRemaining = cart.Cart.Shipping;
    }

    private PricingState(PricingState other)
    {
        Cart = other.Cart;
        Groups = other.Groups;
        LineRemaining = (decimal[])other.LineRemaining.Clone();
        GroupRemaining = Groups.EveryGroupIsOneLine ? LineRemaining : (decimal[])other.GroupRemaining.Clone();
        LineOrderAllocation = (decimal[])other.LineOrderAllocation.Clone();
        ShippingRemaining = other.ShippingRemaining;
        _giftUnits = (long[]?)other._giftUnits?.Clone();
    }

    // Per group, the units free gifts took; null until a free gift takes any (most carts have none).
    private long[]? _giftUnits;

    public CartView Cart { get; }
    public LineGroups Groups { get; }
    public string Currency => Cart.Currency;

    /// <summary>Each line's amount after item discounts.</summary>
    public decimal[] LineRemaining { get; }

    /// <summary>Each group's amount after item discounts: the sum of its lines' <see cref="LineRemaining"/> (the same array
    /// when every group is one line). What item actions read, so that a unit's price (a group's remaining over its
    /// quantity) does not depend on how the goods are split into lines.</summary>
    public decimal[] GroupRemaining { get; }

    /// <summary>Each line's share of the order discounts applied so far.</summary>
    public decimal[] LineOrderAllocation { get; }

    public decimal ShippingRemaining { get; set; }

    /// <summary>The group's units a free gift has not taken: the units every later item action counts (a gift unit is
    /// neither bought nor given by a buy-X-get-Y, nor discounted per unit), whether it was sent priced or at 0.</summary>
    public long PaidQuantity(int group) => Groups.Quantity(group) - (_giftUnits?[group] ?? 0);

    /// <summary>Records units of the group that a free gift took (they take part in nothing after it).</summary>
    public void TakeGiftUnits(int group, long units) => (_giftUnits ??= new long[Groups.Count])[group] += units;

    public decimal OrderRemaining
    {
        get
        {
            var total = 0m;
            for (var index = 0; index < LineRemaining.Length; index++)
            {
                total += LineRemaining[index] - LineOrderAllocation[index];
            }

            return total;
        }
    }

    public PricingState Clone() => new(this);

    public decimal Round(decimal amount) => Currencies.Round(amount, Currency);

    /// <summary>
    /// Splits <paramref name="amount"/> (whole minor units) across lines in proportion to <paramref name="weights"/> (whole
    /// minor units, none negative), by largest remainder: shares are floored to the minor unit, and the units left over go
    /// one each to the largest remainders (ties: the lower index, which is canonical order — by the goods, not by line
    /// id). The shares sum exactly to the amount (at most the weights' total) and none exceeds its weight.
    /// </summary>
    public decimal[] Allocate(decimal amount, decimal[] weights)
    {
        var shares = new decimal[weights.Length];
        Allocate(amount, weights, shares);
        return shares;
    }

    /// <inheritdoc cref="Allocate(decimal, decimal[])"/>
    /// <remarks>
    /// In whole minor units and integers throughout: a share is ⌊units × weight / total⌋ and its remainder
    /// (units × weight) mod total, so remainders compare exactly (in decimal, a larger whole part leaves fewer digits for
    /// the fraction, and two equal remainders could compare unequal). units × weight needs up to 126 bits.
    /// </remarks>
    public void Allocate(decimal amount, ReadOnlySpan<decimal> weights, Span<decimal> shares)
    {
        shares.Clear();
        var unit = Currencies.MinorUnit(Currency);
        var perUnit = 1m / unit;
        long total = 0;
        foreach (var weight in weights)
        {
            total += weight > 0 ? (long)(weight * perUnit) : 0;
        }

        var units = (long)decimal.Round(amount * perUnit);
        if (units <= 0 || total <= 0)
        {
            return;
        }

        units = Math.Min(units, total);
        Span<(long Remainder, int Index)> remainders = weights.Length <= 32
            ? stackalloc (long, int)[weights.Length]
            : new (long, int)[weights.Length];
        long given = 0;
        for (var index = 0; index < weights.Length; index++)
        {
            // Most lines of a cart carry no weight (a filter matched a few): no division for them.
            var weight = weights[index] > 0 ? (long)(weights[index] * perUnit) : 0;
            if (weight == 0)
            {
                remainders[index] = (0, index);
                continue;
            }

            var product = (UInt128)(ulong)units * (ulong)weight;
            var floor = (long)(product / (ulong)total);
            shares[index] = floor;
            given += floor;
            remainders[index] = ((long)(product % (ulong)total), index);
        }

        if (given < units)
        {
            remainders.Sort(static (left, right) => right.Remainder.CompareTo(left.Remainder) is var byRemainder and not 0
                ? byRemainder
                : left.Index.CompareTo(right.Index));
            for (var step = 0; given < units && step < remainders.Length; step++, given++)
            {
                shares[remainders[step].Index] += 1;
            }
        }

        for (var index = 0; index < shares.Length; index++)
        {
            shares[index] *= unit;
        }
    }
}
