using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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

        return CryptographicOperations.FixedTimeEquals(presented, HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(Canonical(quote))));
    }

    private string Compute(Quote quote) => Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(Canonical(quote))));

    private static string Canonical(Quote quote)
    {
        var text = new StringBuilder("pm-quote-v1");
        Append(text, quote.Id.ToString("N"));
        Append(text, quote.IssuedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Append(text, quote.ExpiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Append(text, quote.RuleSetVersion.ToString(CultureInfo.InvariantCulture));
        Append(text, quote.Currency);
        Append(text, quote.CartHash);
        Append(text, Amount(quote.DiscountTotal));
        Append(text, Amount(quote.GrandTotal));
        foreach (var promotion in quote.Promotions ?? [])
        {
            Append(text, $"{promotion.PromotionId:N}:{promotion.Version}:{Amount(promotion.Amount)}:{promotion.Code}");
        }

        Append(text, quote.ReservationId?.ToString("N") ?? "-");
        Append(text, quote.PartnerId?.ToString("N") ?? "-");
        return text.ToString();
    }

    private static void Append(StringBuilder text, string? value) => text.Append('|').Append(value?.Replace("|", "||", StringComparison.Ordinal));

    internal static string Amount(decimal amount) => amount.ToString("0.############################", CultureInfo.InvariantCulture);
}
