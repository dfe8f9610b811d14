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
