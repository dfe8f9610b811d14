namespace PartnerMesh.Coupons.Api.Codes;

/// <summary>
/// How a shopper is keyed: <c>id:{customer id}</c> and <c>email:{e-mail trimmed and lower-cased}</c>, so
/// <c>Ann@Example.com</c> and <c> ann@example.com</c> are one guest. <see cref="Of"/> is the one key a row is filed under
/// (the id when known, otherwise the e-mail); <see cref="Identify"/> is every key the shopper presents, which per-customer
/// limits and personal codes check.
/// </summary>
public static class CustomerKeys
{
    public const int MaxIdLength = 100;
    public const int MaxEmailLength = 254;

    public static string? Of(string? customerId, string? email) => Identify(customerId, email).Key;

    public static CustomerIdentity Identify(string? customerId, string? email) => new(
        string.IsNullOrWhiteSpace(customerId) ? null : "id:" + customerId.Trim(),
        string.IsNullOrWhiteSpace(email) ? null : "email:" + email.Trim().ToLowerInvariant());
}
