namespace PartnerMesh.Promotions.Domain.Evaluation;

/// <summary>The cart in canonical order (<see cref="CanonicalLineOrder"/>: by the goods, never by line id first), with the
/// figures conditions read. Conditions always read the cart as sent, before any discount, so their outcome does not depend
/// on which promotions ran first.</summary>
public sealed class CartView
{
    private LineGroups? _groups;

    public CartView(Cart cart)
    {
        Cart = cart;
        Lines = [.. cart.Lines.Order(CanonicalLineOrder.Instance)];
        ItemsSubtotal = Lines.Sum(line => line.Subtotal);
    }

    public Cart Cart { get; }
    public IReadOnlyList<CartLine> Lines { get; }
    public decimal ItemsSubtotal { get; }
    public string Currency => Cart.Currency;

    /// <summary>The lines gathered into groups of identical goods (what item actions work on); built on first use.</summary>
    internal LineGroups Groups => _groups ??= new LineGroups(Lines);

    /// <summary>
    /// This cart without up to <paramref name="quantity"/> units of <paramref name="productId"/>, taken as a free gift takes
    /// them (units at price 0 first, then priced units, group of identical goods by group in canonical order — the cheapest
    /// first —, and canonical order within a group): what a free gift's conditions are judged on, so the gift — even at full price —
    /// never counts toward its own threshold.
    /// </summary>
    public CartView Without(string productId, int quantity)
    {
        var taken = new long[Lines.Count];
        long left = quantity;
        foreach (var atZero in new[] { true, false })
        {
            for (var group = 0; group < Groups.Count && left > 0; group++)
            {
                if (Groups.Goods(group).ProductId != productId || (Groups.Goods(group).UnitPrice == 0) != atZero)
                {
                    continue;
                }

                foreach (var index in Groups.LinesOf(group))
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
