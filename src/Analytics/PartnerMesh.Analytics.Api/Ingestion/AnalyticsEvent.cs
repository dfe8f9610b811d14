namespace PartnerMesh.Analytics.Api.Ingestion;

/// <summary>
/// One fact of the analytics log, normalized: a storefront behaviour event as sent, or another service's integration
/// event translated by its consumer, or a decision of analytics itself (an abandoned cart, a lapsed customer). The
/// aggregator replays the log in order, so the KPIs are a pure function of it.
/// </summary>
public sealed record AnalyticsEvent
{
    public required string Type { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public string? VisitorId { get; init; }

    public string? CustomerId { get; init; }

    public string? SessionId { get; init; }

    public string? CartId { get; init; }

    public string? OrderId { get; init; }

    public string? Email { get; init; }

    public string? ProductId { get; init; }

    public int? Quantity { get; init; }

    /// <summary>The order's total, a cart line's value, a refund's amount.</summary>
    public decimal? Amount { get; init; }

    public string? Currency { get; init; }

    /// <summary>A partner's sale commission (booked, or reversed by a refund), in <see cref="CommissionCurrency"/>.</summary>
    public decimal? Commission { get; init; }

    /// <summary>The currency of <see cref="Commission"/> when attribution said it; absent: <see cref="Currency"/>.</summary>
    public string? CommissionCurrency { get; init; }

    public Guid? ClickId { get; init; }

    public Guid? PartnerId { get; init; }

    public string? UtmSource { get; init; }

    public string? UtmMedium { get; init; }

    public string? UtmCampaign { get; init; }

    public string? Touchpoint { get; init; }

    public string? CouponCode { get; init; }

    /// <summary>A survey impression (shown / answered).</summary>
    public Guid? ImpressionId { get; init; }

    public int? NpsScore { get; init; }

    /// <summary>Promotions applied to a verified order.</summary>
    public int? PromotionCount { get; init; }

    /// <summary>A verified order's outcome (<c>honoured</c>, <c>requoted</c>, <c>mismatch</c>).</summary>
    public string? Outcome { get; init; }

    /// <summary>When attribution moved an order's credit (<see cref="OccurredAt"/> is the order's time).</summary>
    public DateTimeOffset? ReattributedAt { get; init; }
}

/// <summary>The event types of the log.</summary>
public static class EventTypes
{
    // Storefront behaviour events.
    public const string PageView = "page_view";
    public const string ProductView = "product_view";
    public const string AddToCart = "add_to_cart";
    public const string RemoveFromCart = "remove_from_cart";
    public const string CheckoutStarted = "checkout_started";
    public const string OrderCompleted = "order_completed";

    // Other services' integration events.
    public const string ClickRecorded = "click_recorded";
    public const string ConversionAttributed = "conversion_attributed";
    public const string CouponRedeemed = "coupon_redeemed";
    public const string OrderPromotionsVerified = "order_promotions_verified";
    public const string QuoteMismatchDetected = "quote_mismatch_detected";
    public const string SurveyShown = "survey_shown";
    public const string SurveyResponseSubmitted = "survey_response_submitted";
    public const string RefundRecorded = "refund_recorded";
    public const string ConversionReattributed = "conversion_reattributed";

    /// <summary>Attribution rejected the credited partner's sale commission in review (<c>CommissionReversed</c>, reason <c>rejected</c>).</summary>
    public const string CommissionRejected = "commission_rejected";

    // Analytics' own decisions.
    public const string CartAbandoned = "cart_abandoned";
    public const string CustomerLapsed = "customer_lapsed";

    public static readonly IReadOnlySet<string> Behaviour = new HashSet<string>(StringComparer.Ordinal)
    {
        PageView, ProductView, AddToCart, RemoveFromCart, CheckoutStarted, OrderCompleted,
    };

    public static readonly IReadOnlySet<string> CartEvents = new HashSet<string>(StringComparer.Ordinal)
    {
        AddToCart, RemoveFromCart, CheckoutStarted,
    };
}

/// <summary>The kinds of <see cref="EventTypes.RefundRecorded"/> (in <see cref="AnalyticsEvent.Outcome"/>).</summary>
public static class RefundKinds
{
    public const string Refund = "refund";
    public const string Cancellation = "cancellation";
}
