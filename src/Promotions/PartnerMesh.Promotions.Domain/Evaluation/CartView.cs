namespace PartnerMesh.Promotions.Domain.Evaluation;

/// <summary>The cart in canonical order (lines by id), with the figures conditions read. Conditions always read the
/// cart as sent, before any discount, so their outcome does not depend on which promotions ran first.</summary>
public sealed class CartView
{
    public CartView(Cart cart)
    {
        Cart = cart;
        Lines = [.. cart.Lines.OrderBy(line => line.Id, StringComparer.Ordinal)];
        ItemsSubtotal = Lines.Sum(line => line.Subtotal);
    }

    public Cart Cart { get; }
    public IReadOnlyList<CartLine> Lines { get; }
    public decimal ItemsSubtotal { get; }
    public string Currency => Cart.Currency;

    /// <summary>
    /// This cart without up to <paramref name="quantity"/> units of <paramref name="productId"/>, taken as a free gift takes
    /// them (units at price 0 first, then priced units, in line-id order): what a free gift's conditions are judged on, so
    /// the gift — even at full price — never counts toward its own threshold.
    /// </summary>
    public CartView Without(string productId, int quantity)
    {
        var taken = new long[Lines.Count];
        long left = quantity;
        foreach (var atZero in new[] { true, false })
        {
            for (var index = 0; index < Lines.Count && left > 0; index++)
            {
                if (Lines[index].ProductId == productId && (Lines[index].UnitPrice == 0) == atZero)
                {
                    taken[index] = Math.Min(Lines[index].Quantity, left);
                    left -= taken[index];
                }
            }
        }

        if (left == quantity)
        {
            return this;
        }

        var lines = Lines.Select((line, index) => line with { Quantity = line.Quantity - (int)taken[index] }).Where(line => line.Quantity > 0).ToList();
        return new CartView(Cart with { Lines = lines });
    }

    public int QuantityMatching(CompiledFilter filter)
    {
        var quantity = 0;
        foreach (var line in Lines)
        {
            if (filter.Matches(line))
            {
                quantity += line.Quantity;
            }
        }

        return quantity;
    }
}
