using PartnerMesh.Promotions.Domain.Money;

namespace PartnerMesh.Promotions.Domain.Evaluation;

/// <summary>What is left to discount while promotions apply one after another (canonical line order).</summary>
internal sealed class PricingState
{
    public PricingState(CartView cart)
    {
        Cart = cart;
        LineRemaining = [.. cart.Lines.Select(line => line.Subtotal)];
        LineOrderAllocation = new decimal[cart.Lines.Count];
        ShippingRemaining = cart.Cart.Shipping;
    }

    private PricingState(PricingState other)
    {
        Cart = other.Cart;
        LineRemaining = (decimal[])other.LineRemaining.Clone();
        LineOrderAllocation = (decimal[])other.LineOrderAllocation.Clone();
        ShippingRemaining = other.ShippingRemaining;
    }

    public CartView Cart { get; }
    public string Currency => Cart.Currency;

    /// <summary>Each line's amount after item discounts.</summary>
    public decimal[] LineRemaining { get; }

    /// <summary>Each line's share of the order discounts applied so far.</summary>
    public decimal[] LineOrderAllocation { get; }

    public decimal ShippingRemaining { get; set; }

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
    /// Splits <paramref name="amount"/> (whole minor units) across lines in proportion to <paramref name="weights"/>, by
    /// largest remainder: shares are floored to the minor unit, and the units left over go one each to the lines with
    /// the largest remainders (ties: canonical line order). The shares sum exactly to the amount and none exceeds its weight.
    /// </summary>
    public decimal[] Allocate(decimal amount, decimal[] weights)
    {
        var shares = new decimal[weights.Length];
        var totalWeight = 0m;
        foreach (var weight in weights)
        {
            totalWeight += weight;
        }

        if (amount <= 0 || totalWeight <= 0)
        {
            return shares;
        }

        var unit = Currencies.MinorUnit(Currency);
        var units = (long)decimal.Round(amount / unit);
        Span<(decimal Remainder, int Index)> remainders = weights.Length <= 32
            ? stackalloc (decimal, int)[weights.Length]
            : new (decimal, int)[weights.Length];
        long given = 0;
        for (var index = 0; index < weights.Length; index++)
        {
            // Most lines of a cart carry no weight (a filter matched a few): no division for them.
            var exact = weights[index] == 0 ? 0m : units * weights[index] / totalWeight;
            var floor = decimal.Floor(exact);
            shares[index] = floor;
            given += (long)floor;
            remainders[index] = (exact - floor, index);
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

        return shares;
    }
}
