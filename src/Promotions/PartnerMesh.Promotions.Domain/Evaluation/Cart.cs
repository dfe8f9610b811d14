namespace PartnerMesh.Promotions.Domain.Evaluation;

public enum Touchpoint
{
    ProductPage = 0,
    Cart = 1,
    Checkout = 2,
}

/// <summary>One cart line. <see cref="UnitPrice"/> is in the cart's currency, in whole minor units.</summary>
public sealed record CartLine
{
    public required string Id { get; init; }
    public required string ProductId { get; init; }
    public required int Quantity { get; init; }
    public required decimal UnitPrice { get; init; }
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<string> Collections { get; init; } = [];

    public decimal Subtotal => UnitPrice * Quantity;
}

public sealed record Customer
{
    public string? Id { get; init; }
    public string? Email { get; init; }
    public bool IsGuest { get; init; }
    public IReadOnlyList<string> Segments { get; init; } = [];

    /// <summary>Orders the customer placed before this one; null when the storefront does not know.</summary>
    public int? PreviousOrders { get; init; }
}

/// <summary>Who is shopping, where they came from and where they are now.</summary>
public sealed record EvaluationContext
{
    public Customer Customer { get; init; } = new();
    public string? VisitorId { get; init; }
    public Guid? ClickId { get; init; }
    public Guid? PartnerId { get; init; }
    public string? UtmSource { get; init; }

    /// <summary>In entry order; the answer does not depend on that order.</summary>
    public IReadOnlyList<string> Codes { get; init; } = [];

    /// <summary>
    /// Codes the coupons service vouched for, by the promotion each unlocks (normalised code per promotion id): they
    /// satisfy that promotion's <c>requiresCode</c> like one of its own codes.
    /// </summary>
    public IReadOnlyDictionary<Guid, string> CouponCodes { get; init; } = new Dictionary<Guid, string>();

    /// <summary>
    /// Every entered code the coupons service vouched for, with the promotion it names: also a code that does not unlock its
    /// promotion because another one entered with it comes first in ordinal order (the answer reports it
    /// <c>applied_with_another_code</c>, never <c>unknown</c>).
    /// </summary>
    public IReadOnlyDictionary<string, Guid> ValidCouponCodes { get; init; } = new Dictionary<string, Guid>(StringComparer.Ordinal);

    /// <summary>
    /// Entered codes a live promotion lists that the coupons service knows (valid or refused): one code has one owner, so
    /// they are coupons' codes, and no promotion's own <c>codes</c> matches them (its own list is the fallback for codes
    /// coupons does not know).
    /// </summary>
    public IReadOnlySet<string> CouponsOwnedCodes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Entered codes the coupons service refused or could not be asked about, with the reason to report.</summary>
    public IReadOnlyDictionary<string, string> RefusedCodes { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The coupons service's readable detail of refused codes that have one (e.g. the amount a minimum needs).</summary>
    public IReadOnlyDictionary<string, string> RefusedCodeDetails { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public Touchpoint Touchpoint { get; init; } = Touchpoint.Cart;
    public required DateTimeOffset At { get; init; }

    /// <summary>
    /// The stable id rollouts and experiments hash: the visitor id, else the customer id, else null (not in any partial
    /// rollout). Visitor first: a shopper who signs in between the product page and checkout keeps the visitor id, and
    /// so keeps the assignment the product page showed.
    /// </summary>
    public string? StickyId => VisitorId ?? Customer.Id;
}

public sealed record Cart
{
    public required string Currency { get; init; }
    public required IReadOnlyList<CartLine> Lines { get; init; }
    public decimal Shipping { get; init; }
}
