namespace PartnerMesh.ServiceDefaults.Customers;

/// <summary>
/// The one rule for a customer id wherever a shopper's id enters a service that keys something by it and later reads it
/// back by it: coupons' per-customer limits, personal codes and abandoned-cart offers (fetched at
/// <c>GET /api/coupons/customers/{id}/offers</c>), and analytics' carts, whose ids become those offers' owners. The id
/// travels in that route's path, so it has 1 to 100 characters, no '/' (even escaped as <c>%2F</c> it never reaches the
/// route decoded) and is not '.' or '..' (dot segments are normalised away) — the rule coupons applies to order ids.
/// </summary>
public static class CustomerIds
{
    public const int MaxLength = 100;

    /// <summary>What a customer id field accepts, for problem details.</summary>
    public const string Rule = "A customer id has 1 to 100 characters, no '/', and is not '.' or '..': it travels in the path of "
        + "/api/coupons/customers/{id}/offers, where the customer's offers are read.";

    /// <summary>Whether <paramref name="id"/> can be a customer id: at most <see cref="MaxLength"/> characters as given, and,
    /// trimmed as it is keyed, not blank, without '/', not '.' or '..'.</summary>
    public static bool IsValid(string id) =>
        id.Length <= MaxLength && id.Trim() is { Length: > 0 } trimmed && !trimmed.Contains('/', StringComparison.Ordinal) && trimmed is not ("." or "..");
}
