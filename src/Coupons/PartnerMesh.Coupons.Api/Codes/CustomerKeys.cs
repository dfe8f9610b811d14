using PartnerMesh.ServiceDefaults.Customers;

namespace PartnerMesh.Coupons.Api.Codes;

/// <summary>
/// How a shopper is keyed: <c>id:{customer id}</c> and <c>email:{e-mail, normalised by the shared rule, see
/// <see cref="CustomerEmail.Normalize"/>}</c>, so <c>Ann@Example.com</c>, <c> ann@example.com</c>, <c>ann\u200b@example.com</c>
/// and the full-width <c>ａｎｎ@example.com</c> are one guest, and so are <c>josé@…</c> typed precomposed (NFC) or
/// decomposed (NFD). <see cref="Of"/> is the one key a row is filed under (the id when known, otherwise the e-mail);
/// <see cref="Identify"/> is every key the shopper presents, which per-customer limits and personal codes check.
/// </summary>
public static class CustomerKeys
{
    public const int MaxIdLength = 100;

    public static string? Of(string? customerId, string? email) => Identify(customerId, email).Key;

    public static CustomerIdentity Identify(string? customerId, string? email) => new(
        string.IsNullOrWhiteSpace(customerId) ? null : "id:" + customerId.Trim(),
        CustomerEmail.Normalize(email) is { } normalized ? "email:" + normalized : null);
}
