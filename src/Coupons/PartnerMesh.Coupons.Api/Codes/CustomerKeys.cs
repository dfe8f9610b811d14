namespace PartnerMesh.Coupons.Api.Codes;

/// <summary>
/// Who a per-customer limit counts: the customer id when the storefront knows one, otherwise the guest's e-mail trimmed
/// and lower-cased, so <c>Ann@Example.com</c> and <c> ann@example.com</c> are one guest. Null when neither is given.
/// </summary>
public static class CustomerKeys
{
    public const int MaxIdLength = 100;
    public const int MaxEmailLength = 254;

    public static string? Of(string? customerId, string? email)
    {
        if (!string.IsNullOrWhiteSpace(customerId))
        {
            return "id:" + customerId.Trim();
        }

        return string.IsNullOrWhiteSpace(email) ? null : "email:" + email.Trim().ToLowerInvariant();
    }
}
