using System.Buffers;
using PartnerMesh.Promotions.Domain.Evaluation;

namespace PartnerMesh.Promotions.Api.Evaluations;

/// <summary>
/// A hash of everything that decides the price — lines (in id order), shipping, customer, traffic and codes (as a set) —
/// but not the touchpoint or time: the cart priced at checkout must match the cart the order reports. The hashed text:
/// <c>{currency}</c>, per line <c>|L:{id}:{product}:{quantity}:{unit price}:c={categories}:k={collections}</c>, then
/// <c>|S:{shipping}|C:{customer id}:{email}:{previous orders}:s={segments}|T:{visitor}:{partner}:{click}:{utm source}|K:{codes}</c>,
/// lists sorted (ordinal) and comma-joined, amounts without trailing zeros.
/// </summary>
public static class CartFingerprint
{
    public static string Of(Cart cart, EvaluationContext context)
    {
        using var hash = CanonicalHash.Sha256();
        hash.Append(cart.Currency);
        AppendLines(hash, cart.Lines);

        var customer = context.Customer;
        hash.Append("|S:").AppendAmount(cart.Shipping)
            .Append("|C:").Append(customer.Id).Append(':').Append(customer.Email).Append(':');
        if (customer.PreviousOrders is { } previousOrders)
        {
            hash.Append(previousOrders);
        }

        hash.Append(":s=");
        AppendSorted(hash, customer.Segments);
        hash.Append("|T:").Append(context.VisitorId).Append(':');
        AppendGuid(hash, context.PartnerId);
        hash.Append(':');
        AppendGuid(hash, context.ClickId);
        hash.Append(':');
        if (context.UtmSource is { } utmSource)
        {
            hash.Append(utmSource.Trim().ToLowerInvariant());
        }

        hash.Append("|K:");
        if (context.Codes.Count > 0)
        {
            hash.Append(string.Join(',', context.Codes.Select(PromotionCodes.Normalize).Where(code => code.Length > 0)
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)));
        }

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
                hash.Append("|L:").Append(line.Id).Append(':').Append(line.ProductId).Append(':').Append(line.Quantity)
                    .Append(':').AppendAmount(line.UnitPrice).Append(":c=");
                AppendSorted(hash, line.Categories);
                hash.Append(":k=");
                AppendSorted(hash, line.Collections);
            }
        }
        finally
        {
            Array.Clear(sorted, 0, lines.Count);
            ArrayPool<(CartLine, int)>.Shared.Return(sorted);
        }
    }

    private static void AppendSorted(CanonicalHash hash, IReadOnlyList<string> values)
    {
        if (values.Count == 1)
        {
            hash.Append(values[0]);
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
                if (index > 0)
                {
                    hash.Append(',');
                }

                hash.Append(sorted[index]);
            }
        }
        finally
        {
            Array.Clear(sorted, 0, values.Count);
            ArrayPool<string>.Shared.Return(sorted);
        }
    }

    /// <summary>A guid as the default format writes it (with hyphens), nothing when absent.</summary>
    private static void AppendGuid(CanonicalHash hash, Guid? value)
    {
        if (value is { } guid)
        {
            Span<char> text = stackalloc char[36];
            guid.TryFormat(text, out _, "D");
            hash.Append(text);
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
