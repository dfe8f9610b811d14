namespace PartnerMesh.ServiceDefaults.Orders;

/// <summary>
/// The one rule for an order id wherever a storefront's order id enters a service: coupons' redemptions, promotions'
/// order verifications, attribution's conversions and refunds, analytics' <c>order_completed</c> events. The same order
/// reaches all four under the same id (a code redeemed under an id must be creditable under it in attribution), so they
/// accept the same ids: 1 to 100 characters (what every store keeps), exact (case-sensitive, never trimmed), not blank,
/// no '/' (the id travels in paths such as <c>/api/coupons/redemptions/{orderId}</c>; even escaped as <c>%2F</c> it never
/// reaches the route decoded), not '.' or '..' (dot segments are normalised away), and no control characters.
/// </summary>
public static class OrderIds
{
    public const int MaxLength = 100;

    /// <summary>What an order id field accepts, for problem details.</summary>
    public const string Rule = "An order id has 1 to 100 characters, taken exactly as given: not only spaces, no '/', no control "
        + "characters, and not '.' or '..' (it travels in the path of the order's routes, such as /api/coupons/redemptions/{orderId}).";

    /// <summary>Whether <paramref name="id"/> can be an order id (see <see cref="OrderIds"/>).</summary>
    public static bool IsValid(string? id) =>
        id is { Length: >= 1 and <= MaxLength } && !string.IsNullOrWhiteSpace(id) && !id.Contains('/', StringComparison.Ordinal)
        && id is not ("." or "..") && !id.Any(char.IsControl);
}
