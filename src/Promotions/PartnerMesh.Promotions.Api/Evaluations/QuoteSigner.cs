using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace PartnerMesh.Promotions.Api.Evaluations;

/// <summary>
/// Signs and checks quotes. The signed text is canonical — amounts without trailing zeros, times as Unix milliseconds —
/// so a client that re-serialises the quote (10.50 → 10.5) keeps a valid signature, and any change of value breaks it.
/// </summary>
public sealed class QuoteSigner(IOptions<PromotionsOptions> options)
{
    private readonly byte[] _key = Convert.FromBase64String(options.Value.QuoteSigningKey);

    public Quote Sign(Quote quote) => quote with { Signature = Compute(quote) };

    public bool IsAuthentic(Quote quote)
    {
        byte[] presented;
        try
        {
            presented = Convert.FromBase64String(quote.Signature ?? "");
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(presented, Mac(quote));
    }

    private string Compute(Quote quote) => Convert.ToBase64String(Mac(quote));

    /// <summary>
    /// HMAC-SHA256 of <c>pm-quote-v1</c> followed by <c>|{field}</c> for each field in a fixed order (a <c>|</c> inside a
    /// field doubled): id, issued and expiry times, rule-set version, currency, cart hash, discount and grand totals, each
    /// promotion as <c>{id}:{version}:{amount}:{code}</c>, reservation and partner (<c>-</c> when absent), then the checkout
    /// id only when there is one (so quotes signed before it existed keep their signature).
    /// </summary>
    private byte[] Mac(Quote quote)
    {
        using var text = CanonicalHash.HmacSha256(_key);
        text.Append("pm-quote-v1");
        text.Append('|').Append(quote.Id);
        text.Append('|').Append(quote.IssuedAt.ToUnixTimeMilliseconds());
        text.Append('|').Append(quote.ExpiresAt.ToUnixTimeMilliseconds());
        text.Append('|').Append(quote.RuleSetVersion);
        AppendEscaped(text.Append('|'), quote.Currency);
        AppendEscaped(text.Append('|'), quote.CartHash);
        text.Append('|').AppendAmount(quote.DiscountTotal);
        text.Append('|').AppendAmount(quote.GrandTotal);
        foreach (var promotion in quote.Promotions ?? [])
        {
            text.Append('|').Append(promotion.PromotionId).Append(':').Append(promotion.Version).Append(':').AppendAmount(promotion.Amount).Append(':');
            AppendEscaped(text, promotion.Code);
        }

        AppendOptional(text.Append('|'), quote.ReservationId);
        AppendOptional(text.Append('|'), quote.PartnerId);
        if (quote.CheckoutId is { } checkoutId)
        {
            AppendEscaped(text.Append('|'), checkoutId);
        }

        return text.Finish();
    }

    private static void AppendOptional(CanonicalHash text, Guid? value)
    {
        if (value is { } guid)
        {
            text.Append(guid);
        }
        else
        {
            text.Append('-');
        }
    }

    private static void AppendEscaped(CanonicalHash text, string? value)
    {
        var rest = value.AsSpan();
        for (var bar = rest.IndexOf('|'); bar >= 0; bar = rest.IndexOf('|'))
        {
            text.Append(rest[..bar]).Append("||");
            rest = rest[(bar + 1)..];
        }

        text.Append(rest);
    }
}
