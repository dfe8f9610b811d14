using System.Collections.Frozen;
using PartnerMesh.Promotions.Domain.Definitions;

namespace PartnerMesh.Promotions.Domain.Evaluation;

public sealed class CompiledFilter(ItemFilter filter)
{
    private readonly FrozenSet<string> _products = filter.ProductIds.ToFrozenSet(StringComparer.Ordinal);
    private readonly FrozenSet<string> _categories = filter.Categories.ToFrozenSet(StringComparer.Ordinal);
    private readonly FrozenSet<string> _collections = filter.Collections.ToFrozenSet(StringComparer.Ordinal);
    private readonly bool _matchesAll = filter.IsEmpty;

    public static readonly CompiledFilter All = new(ItemFilter.All);

    public bool Matches(CartLine line) =>
        _matchesAll
        || _products.Contains(line.ProductId)
        || (_categories.Count > 0 && line.Categories.Any(_categories.Contains))
        || (_collections.Count > 0 && line.Collections.Any(_collections.Contains));
}
