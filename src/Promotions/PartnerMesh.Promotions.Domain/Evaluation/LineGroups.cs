namespace PartnerMesh.Promotions.Domain.Evaluation;

/// <summary>
/// The cart's lines gathered into groups of identical goods: the same product at the same unit price, with the same
/// categories and collections — all that filters and actions read of a line. Item actions work on groups, never on single
/// lines, so how the same goods are split into lines cannot change any amount (one line of 6 and six lines of 1 are one
/// group of 6); each group's discount is then shared across its lines by largest remainder. Groups are numbered in the
/// order of their first line (canonical line order), and a group's lines are listed in canonical order.
/// </summary>
internal sealed class LineGroups
{
    /// <summary>Below this many lines a linear scan finds a line's group faster than a dictionary (and allocates nothing).</summary>
    private const int ScanBelow = 16;

    /// <summary>Up to this many lines the working counts live on the stack.</summary>
    private const int StackLimit = 128;

    /// <summary>0, 1, 2, …: the one line of each group when no two lines hold the same goods.</summary>
    private static readonly int[] Identity = [.. Enumerable.Range(0, 512)];

    private readonly IReadOnlyList<CartLine> _lines;

    // Null when every group is one line (group g is line g): the usual cart costs no arrays.
    private readonly int[]? _groupOf;
    private readonly int[]? _firstLine;
    private readonly long[]? _quantity;
    private readonly int[]? _start;
    private readonly int[]? _members;

    public LineGroups(IReadOnlyList<CartLine> lines)
    {
        _lines = lines;
        var count = lines.Count;
        if (count < ScanBelow && DistinctProducts(lines))
        {
            Count = count;
            EveryGroupIsOneLine = true;
            return;
        }

        var groupOf = new int[count];
        var firstLine = new int[count];
        var quantity = new long[count];
        Span<int> sizes = count <= StackLimit ? stackalloc int[count] : new int[count];
        Span<int> nextWithProduct = count <= StackLimit ? stackalloc int[count] : new int[count];
        var byProduct = new Dictionary<string, int>(count, StringComparer.Ordinal);
        var groups = 0;
        for (var index = 0; index < count; index++)
        {
            var line = lines[index];
            var group = -1;
            var last = -1;
            for (var candidate = byProduct.GetValueOrDefault(line.ProductId, -1); candidate >= 0; candidate = nextWithProduct[candidate])
            {
                if (SameGoods(lines[firstLine[candidate]], line))
                {
                    group = candidate;
                    break;
                }

                last = candidate;
            }

            if (group < 0)
            {
                group = groups++;
                firstLine[group] = index;
                nextWithProduct[group] = -1;
                if (last >= 0)
                {
                    nextWithProduct[last] = group;
                }
                else
                {
                    byProduct.Add(line.ProductId, group);
                }
            }

            groupOf[index] = group;
            quantity[group] += line.Quantity;
            sizes[group]++;
        }

        Count = groups;
        EveryGroupIsOneLine = groups == count;
        if (EveryGroupIsOneLine)
        {
            return;
        }

        // Each group's lines, in canonical order: group g holds _members[_start[g] .. _start[g + 1]).
        var start = new int[groups + 1];
        for (var group = 0; group < groups; group++)
        {
            start[group + 1] = start[group] + sizes[group];
        }

        var members = new int[count];
        var filled = sizes[..groups];
        filled.Clear();
        for (var index = 0; index < count; index++)
        {
            var group = groupOf[index];
            members[start[group] + filled[group]++] = index;
        }

        (_groupOf, _firstLine, _quantity, _start, _members) = (groupOf, firstLine, quantity, start, members);
    }

    public int Count { get; }

    /// <summary>No two lines hold the same goods (the usual cart): group g is line g.</summary>
    public bool EveryGroupIsOneLine { get; }

    /// <summary>The group of the line at this canonical index.</summary>
    public int GroupOf(int line) => _groupOf?[line] ?? line;

    /// <summary>The group's first line, which stands for all of them (they match the same filters).</summary>
    public CartLine Goods(int group) => _lines[_firstLine?[group] ?? group];

    /// <summary>The units the group holds, all its lines together.</summary>
    public long Quantity(int group) => _quantity?[group] ?? _lines[group].Quantity;

    /// <summary>The canonical indexes of the group's lines, in canonical order.</summary>
    public ReadOnlySpan<int> LinesOf(int group) =>
        _members is not null ? _members.AsSpan(_start![group], _start[group + 1] - _start[group])
        : group < Identity.Length ? Identity.AsSpan(group, 1)
        : new[] { group };

    private static bool DistinctProducts(IReadOnlyList<CartLine> lines)
    {
        for (var index = 1; index < lines.Count; index++)
        {
            for (var other = 0; other < index; other++)
            {
                if (string.Equals(lines[index].ProductId, lines[other].ProductId, StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool SameGoods(CartLine left, CartLine right) =>
        left.UnitPrice == right.UnitPrice && SameSet(left.Categories, right.Categories) && SameSet(left.Collections, right.Collections);

    private static bool SameSet(IReadOnlyList<string> left, IReadOnlyList<string> right)
    {
        if (ReferenceEquals(left, right))
        {
            return true;
        }

        foreach (var value in left)
        {
            if (!Contains(right, value))
            {
                return false;
            }
        }

        foreach (var value in right)
        {
            if (!Contains(left, value))
            {
                return false;
            }
        }

        return true;

        static bool Contains(IReadOnlyList<string> values, string value)
        {
            for (var index = 0; index < values.Count; index++)
            {
                if (string.Equals(values[index], value, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
