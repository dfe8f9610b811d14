namespace PartnerMesh.Promotions.Domain.Evaluation;

/// <summary>
/// The order the evaluator works lines in, and so every tie-break it makes (which of two equally cheap units a
/// buy-X-get-Y gives, which line gets a leftover minor unit): by the goods — unit price, product id, categories, then
/// collections (as sets) — then quantity, and only then line id, which can only order lines of the same goods and
/// quantity. The same goods under other line ids, added in any order, give the same totals (DOMAIN-RULES).
/// </summary>
internal sealed class CanonicalLineOrder : IComparer<CartLine>
{
    public static readonly CanonicalLineOrder Instance = new();

    public int Compare(CartLine? left, CartLine? right)
    {
        if (ReferenceEquals(left, right))
        {
            return 0;
        }

        if (left is null || right is null)
        {
            return left is null ? -1 : 1;
        }

        var order = left.UnitPrice.CompareTo(right.UnitPrice);
        if (order == 0)
        {
            order = string.CompareOrdinal(left.ProductId, right.ProductId);
        }

        if (order == 0)
        {
            order = CompareSets(left.Categories, right.Categories);
        }

        if (order == 0)
        {
            order = CompareSets(left.Collections, right.Collections);
        }

        if (order == 0)
        {
            order = left.Quantity.CompareTo(right.Quantity);
        }

        return order != 0 ? order : string.CompareOrdinal(left.Id, right.Id);
    }

    /// <summary>Two sets of values compared as their sorted distinct values (only reached for lines of the same product at
    /// the same price, which rarely differ in these).</summary>
    private static int CompareSets(IReadOnlyList<string> left, IReadOnlyList<string> right)
    {
        if (ReferenceEquals(left, right) || (left.Count == 0 && right.Count == 0) || SameSequence(left, right))
        {
            return 0;
        }

        var sortedLeft = left.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var sortedRight = right.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        for (var index = 0; index < sortedLeft.Length && index < sortedRight.Length; index++)
        {
            var order = string.CompareOrdinal(sortedLeft[index], sortedRight[index]);
            if (order != 0)
            {
                return order;
            }
        }

        return sortedLeft.Length.CompareTo(sortedRight.Length);
    }

    private static bool SameSequence(IReadOnlyList<string> left, IReadOnlyList<string> right)
    {
        if (left.Count != right.Count)
        {
            return false;
        }

        for (var index = 0; index < left.Count; index++)
        {
            if (!string.Equals(left[index], right[index], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
