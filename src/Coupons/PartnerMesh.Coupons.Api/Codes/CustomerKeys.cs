using System.Text;

namespace PartnerMesh.Coupons.Api.Codes;

/// <summary>
/// How a shopper is keyed: <c>id:{customer id}</c> and <c>email:{e-mail, see <see cref="NormalizeEmail"/>}</c>, so
/// <c>Ann@Example.com</c>, <c> ann@example.com</c> and the full-width <c>ａｎｎ@example.com</c> are one guest, and so are
/// <c>josé@…</c> typed precomposed (NFC) or decomposed (NFD). <see cref="Of"/> is the one key a row is filed under (the id
/// when known, otherwise the e-mail); <see cref="Identify"/> is every key the shopper presents, which per-customer limits
/// and personal codes check.
/// </summary>
public static class CustomerKeys
{
    public const int MaxIdLength = 100;
    public const int MaxEmailLength = 254;

    public static string? Of(string? customerId, string? email) => Identify(customerId, email).Key;

    public static CustomerIdentity Identify(string? customerId, string? email) => new(
        string.IsNullOrWhiteSpace(customerId) ? null : "id:" + customerId.Trim(),
        NormalizeEmail(email) is { } normalized ? "email:" + normalized : null);

    /// <summary>
    /// Unicode NFKC (compatibility forms such as full-width letters fold to their plain form, and composed and decomposed
    /// accents become one), trimmed, then lower-cased invariantly. Null when blank, not valid UTF-16 (a lone surrogate),
    /// or longer than <see cref="MaxEmailLength"/> once normalised (NFKC can lengthen a string): no address at all.
    /// </summary>
    public static string? NormalizeEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }

        string normalized;
        try
        {
            normalized = email.Normalize(NormalizationForm.FormKC).Trim();
        }
        catch (ArgumentException)
        {
            return null;
        }

        return normalized.Length is > 0 and <= MaxEmailLength ? normalized.ToLowerInvariant() : null;
    }
}
