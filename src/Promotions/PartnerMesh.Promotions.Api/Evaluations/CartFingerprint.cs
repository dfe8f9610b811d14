using System.Buffers;
using PartnerMesh.Promotions.Domain.Evaluation;

namespace PartnerMesh.Promotions.Api.Evaluations;

/// <summary>
/// A hash of every input that can change the answer: the lines (in id order), shipping, the whole customer, the traffic,
/// the codes (as a set) and the touchpoint — but not the time, since an order is priced now (an evaluation for another
/// time gets no quote). The order's verification finds the touchpoint its quote was priced at by trying each.
/// The hashed text is unambiguous — each text field is written as its length (UTF-16 units), <c>:</c> and the text, or
/// <c>~</c> when absent; each number and flag ends with <c>;</c>; each list is its count then its items, sorted (ordinal):
/// <c>pm-cart-v2|{currency}{touchpoint};</c>, per line <c>|L{id}{product}{quantity};{unit price};{categories}{collections}</c>,
/// then <c>|S{shipping};|C{id}{email}{guest 0/1};{previous orders};{segments}|T{visitor}{partner}{click}{utm source}|K{codes}</c>,
/// with amounts without trailing zeros, guids as 32 hex digits, the UTM source trimmed and lower-cased and the codes
/// normalised and distinct. (Version 1 joined fields with <c>:</c> and <c>,</c>, so a line <c>1:Y</c> of product
/// <c>X</c> and a line <c>1</c> of product <c>Y:X</c> hashed alike; quotes issued before the change no longer match
/// their carts, which only matters for the few minutes they live.)
/// </summary>
public static class CartFingerprint
{
    public static string Of(Cart cart, EvaluationContext context)
    {
        using var hash = CanonicalHash.Sha256();
        hash.Append("pm-cart-v2|");
        Text(hash, cart.Currency);
        Number(hash, (int)context.Touchpoint);
        AppendLines(hash, cart.Lines);

        var customer = context.Customer;
        hash.Append("|S").AppendAmount(cart.Shipping).Append(';');
        hash.Append("|C");
        Text(hash, customer.Id);
        Text(hash, customer.Email);
        Number(hash, customer.IsGuest ? 1 : 0);
        if (customer.PreviousOrders is { } previousOrders)
        {
            Number(hash, previousOrders);
        }
        else
        {
            hash.Append('~');
        }

        AppendSorted(hash, customer.Segments);
        hash.Append("|T");
        Text(hash, context.VisitorId);
        AppendId(hash, context.PartnerId);
        AppendId(hash, context.ClickId);
        Text(hash, context.UtmSource?.Trim().ToLowerInvariant());

        hash.Append("|K");
        AppendSorted(hash, [.. context.Codes.Select(PromotionCodes.Normalize).Where(code => code.Length > 0).Distinct(StringComparer.Ordinal)]);

        return Convert.ToHexStringLower(hash.Finish());
    }

    private static void AppendLines(CanonicalHash hash, IReadOnlyList<CartLine> lines)
    {
        var sorted = ArrayPool<(CartLine Line, int Index)>.Shared.Rent(lines.Count);
        try
        {
            for (var index = 0; index < lines.Count; index++)
            {
                sorted[index] = (lines[index], index);
            }

            Array.Sort(sorted, 0, lines.Count, LineOrder.Instance);
            for (var index = 0; index < lines.Count; index++)
            {
                var line = sorted[index].Line;
                hash.Append("|L");
                Text(hash, line.Id);
                Text(hash, line.ProductId);
                Number(hash, line.Quantity);
                hash.AppendAmount(line.UnitPrice).Append(';');
                AppendSorted(hash, line.Categories);
                AppendSorted(hash, line.Collections);
            }
        }
        finally
        {
            Array.Clear(sorted, 0, lines.Count);
            ArrayPool<(CartLine, int)>.Shared.Return(sorted);
        }
    }

    /// <summary>The count, then each value as a text field, in ordinal order.</summary>
    private static void AppendSorted(CanonicalHash hash, IReadOnlyList<string> values)
    {
        Number(hash, values.Count);
        if (values.Count == 1)
        {
            Text(hash, values[0]);
            return;
        }

        if (values.Count == 0)
        {
            return;
        }

        var sorted = ArrayPool<string>.Shared.Rent(values.Count);
        try
        {
            for (var index = 0; index < values.Count; index++)
            {
                sorted[index] = values[index];
            }

            Array.Sort(sorted, 0, values.Count, StringComparer.Ordinal);
            for (var index = 0; index < values.Count; index++)
            {
                Text(hash, sorted[index]);
            }
        }
        finally
        {
            Array.Clear(sorted, 0, values.Count);
            ArrayPool<string>.Shared.Return(sorted);
        }
    }

    /// <summary><c>{length}:{text}</c>, or <c>~</c> when absent: no text can run into the next field.</summary>
    private static void Text(CanonicalHash hash, string? value)
    {
        if (value is null)
        {
            hash.Append('~');
            return;
        }

        hash.Append(value.Length).Append(':').Append(value);
    }

    private static void Number(CanonicalHash hash, long value) => hash.Append(value).Append(';');

    /// <summary>A guid as 32 hex digits, or <c>~</c> when absent.</summary>
    private static void AppendId(CanonicalHash hash, Guid? value)
    {
        if (value is { } guid)
        {
            hash.Append(guid);
        }
        else
        {
            hash.Append('~');
        }
    }

    /// <summary>Lines by id (ordinal), then by position: a stable order, whatever the sort.</summary>
    private sealed class LineOrder : IComparer<(CartLine Line, int Index)>
    {
        public static readonly LineOrder Instance = new();

        public int Compare((CartLine Line, int Index) x, (CartLine Line, int Index) y)
        {
            var byId = string.CompareOrdinal(x.Line.Id, y.Line.Id);
            return byId != 0 ? byId : x.Index.CompareTo(y.Index);
        }
    }
}
