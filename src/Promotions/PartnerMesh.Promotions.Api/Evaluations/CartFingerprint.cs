using System.Security.Cryptography;
using System.Text;
using PartnerMesh.Promotions.Domain.Evaluation;

namespace PartnerMesh.Promotions.Api.Evaluations;

/// <summary>
/// A hash of everything that decides the price — lines (in id order), shipping, customer, traffic and codes (as a set) —
/// but not the touchpoint or time: the cart priced at checkout must match the cart the order reports.
/// </summary>
public static class CartFingerprint
{
    public static string Of(Cart cart, EvaluationContext context)
    {
        var text = new StringBuilder(cart.Currency);
        foreach (var line in cart.Lines.OrderBy(line => line.Id, StringComparer.Ordinal))
        {
            text.Append("|L:").Append(line.Id).Append(':').Append(line.ProductId).Append(':').Append(line.Quantity)
                .Append(':').Append(QuoteSigner.Amount(line.UnitPrice))
                .Append(":c=").AppendJoin(',', line.Categories.Order(StringComparer.Ordinal))
                .Append(":k=").AppendJoin(',', line.Collections.Order(StringComparer.Ordinal));
        }

        var customer = context.Customer;
        text.Append("|S:").Append(QuoteSigner.Amount(cart.Shipping))
            .Append("|C:").Append(customer.Id).Append(':').Append(customer.Email).Append(':').Append(customer.PreviousOrders)
            .Append(":s=").AppendJoin(',', customer.Segments.Order(StringComparer.Ordinal))
            .Append("|T:").Append(context.VisitorId).Append(':').Append(context.PartnerId).Append(':').Append(context.ClickId)
            .Append(':').Append(context.UtmSource?.Trim().ToLowerInvariant())
            .Append("|K:").AppendJoin(',', context.Codes.Select(PromotionCodes.Normalize).Where(code => code.Length > 0)
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
