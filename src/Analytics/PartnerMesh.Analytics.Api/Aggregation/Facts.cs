namespace PartnerMesh.Analytics.Api.Aggregation;

/// <summary>The dimension values an event or fact counts under.</summary>
public sealed record Dims(Guid? PartnerId, string? Campaign, string TrafficSource, string? Touchpoint, string[] Segments)
{
    public const string Direct = "direct";

    public static readonly Dims None = new(null, null, Direct, null, []);

    /// <summary>The rows a fact counts under: merchant-wide, each single dimension it has a value for, and each pair of them.</summary>
    public IReadOnlyList<(string Dimension, string Value, string Value2)> Expand()
    {
        var rows = new List<(string Dimension, string Value, string Value2)>(16);
        AddRows(rows);
        return rows;
    }

    /// <summary>
    /// Adds the rows of <see cref="Expand"/> to <paramref name="rows"/>: the projector's hot path (two calls per event),
    /// so no iterator, and the partner id formatted once.
    /// </summary>
    public void AddRows(List<(string Dimension, string Value, string Value2)> rows)
    {
        var partner = PartnerId?.ToString();
        rows.Add((Dimensions.All, "", ""));
        if (partner is not null)
        {
            rows.Add((Dimensions.Partner, partner, ""));
        }

        if (Campaign is not null)
        {
            rows.Add((Dimensions.Campaign, Campaign, ""));
        }

        rows.Add((Dimensions.TrafficSource, TrafficSource, ""));
        if (Touchpoint is not null)
        {
            rows.Add((Dimensions.Touchpoint, Touchpoint, ""));
        }

        foreach (var segment in Segments)
        {
            rows.Add((Dimensions.Segment, segment, ""));
        }

        AddPairs(rows, partner, partnerPairsOnly: false);
    }

    /// <summary>The rows that name the partner (its own and its pairs): what moves when an order's partner changes.</summary>
    public IReadOnlyList<(string Dimension, string Value, string Value2)> PartnerRows()
    {
        if (PartnerId is not { } partnerId)
        {
            return [];
        }

        var partner = partnerId.ToString();
        var rows = new List<(string Dimension, string Value, string Value2)>(4) { (Dimensions.Partner, partner, "") };
        AddPairs(rows, partner, partnerPairsOnly: true);
        return rows;
    }

    /// <summary>The segment rows of <paramref name="segments"/>: what moves when an order's segments are decided later.</summary>
    public static IReadOnlyList<(string Dimension, string Value, string Value2)> SegmentRows(string[] segments) =>
        [.. segments.Select(segment => (Dimensions.Segment, segment, ""))];

    /// <summary>Every row except the partner's: what stays when an order's partner changes.</summary>
    public IReadOnlyList<(string Dimension, string Value, string Value2)> NonPartnerRows() => (this with { PartnerId = null }).Expand();

    /// <summary>Each pair of values this fact has, in <see cref="Dimensions.Pairable"/> order (partner first).</summary>
    private void AddPairs(List<(string Dimension, string Value, string Value2)> rows, string? partner, bool partnerPairsOnly)
    {
        Add(0, 1, partner, Campaign);
        Add(0, 2, partner, Touchpoint);
        Add(0, 3, partner, TrafficSource);
        if (partnerPairsOnly)
        {
            return;
        }

        Add(1, 2, Campaign, Touchpoint);
        Add(1, 3, Campaign, TrafficSource);
        Add(2, 3, Touchpoint, TrafficSource);

        void Add(int first, int second, string? firstValue, string? secondValue)
        {
            if (firstValue is not null && secondValue is not null)
            {
                rows.Add((Dimensions.PairName(first, second), firstValue, secondValue));
            }
        }
    }
}

/// <summary>Columns every fact keeps of the dimensions it was first counted under.</summary>
public abstract class DimensionedFact
{
    public Guid? PartnerId { get; set; }
    public string? Campaign { get; set; }
    public string TrafficSource { get; set; } = Dims.Direct;
    public string? Touchpoint { get; set; }
    public string[] Segments { get; set; } = [];

    public Dims Dims => new(PartnerId, Campaign, TrafficSource, Touchpoint, Segments);

    public void SetDims(Dims dims)
    {
        PartnerId = dims.PartnerId;
        Campaign = dims.Campaign;
        TrafficSource = dims.TrafficSource;
        Touchpoint = dims.Touchpoint;
        Segments = dims.Segments;
    }
}

/// <summary>A storefront session: counted once, converted once (on the session's start).</summary>
public sealed class SessionFact : DimensionedFact
{
    public required string SessionId { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public string? VisitorId { get; set; }
    public bool Converted { get; set; }
    /// <summary>
    /// The referral click the session's first event named whose partner was not known yet: the session's events count
    /// without a partner until the click's <c>ClickRecorded</c> links them (<see cref="UnlinkedClickEvent"/>).
    /// </summary>
    public Guid? PendingClickId { get; set; }
}

public static class CartStatuses
{
    public const string Open = "open";
    public const string Ordered = "ordered";
    public const string Abandoned = "abandoned";
    public const string Recovered = "recovered";
}

/// <summary>A cart as the storefront's server-side events describe it.</summary>
public sealed class CartFact : DimensionedFact
{
    /// <summary>
    /// The <see cref="Currency"/> of a cart holding amounts in more than one currency (ISO 4217 "no currency"): its total
    /// is unknown (0), never a sum across currencies.
    /// </summary>
    public const string MixedCurrency = "XXX";

    public required string CartId { get; init; }
    public required string VisitorId { get; set; }
    public string? CustomerId { get; set; }
    public string? Email { get; set; }
    public string? SessionId { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>The latest activity's time as the storefront claims it (published with <c>CartAbandoned</c>).</summary>
    public DateTimeOffset LastActivityAt { get; set; }
    /// <summary>
    /// When the server took in the cart's latest activity (the later of received and claimed time): the abandonment's idle
    /// clock, so an event dated in the past cannot make a cart look stale.
    /// </summary>
    public DateTimeOffset LastSeenAt { get; set; }
    public int Items { get; set; }
    /// <summary>The items' amounts in <see cref="Currency"/> (0 for a mixed cart).</summary>
    public decimal Total { get; set; }
    /// <summary>The currency of the cart's first amount; <see cref="MixedCurrency"/> once an amount in another came.</summary>
    public string? Currency { get; set; }
    public string Status { get; set; } = CartStatuses.Open;
    /// <summary>Counted in <c>carts</c> (once it first held items).</summary>
    public bool Counted { get; set; }
    public DateTimeOffset? AbandonedAt { get; set; }
}

/// <summary>An order, counted once whichever service told of it first; its flags count once each.</summary>
public sealed class OrderFact : DimensionedFact
{
    public required string OrderId { get; init; }
    /// <summary>The order's time: the first source's, until the storefront's <c>order_completed</c> tells its own.</summary>
    public DateTimeOffset OrderedAt { get; set; }
    public required string Currency { get; init; }
    /// <summary>The order's total as first told (gross).</summary>
    public decimal Amount { get; init; }
    /// <summary>What is left of <see cref="Amount"/> after refunds (0 once cancelled): the order's revenue.</summary>
    public decimal NetAmount { get; set; }
    /// <summary>Cancelled: the order left the money rows' order count (AOV), it stays placed in <c>orders</c>.</summary>
    public bool Cancelled { get; set; }
    public string? CustomerId { get; set; }
    /// <summary>The storefront session the order's <c>order_completed</c> named (it moves with the order's segments).</summary>
    public string? SessionId { get; set; }
    /// <summary>
    /// The storefront's <c>order_completed</c> told of the order: its session's dimensions and time are the order's. Until
    /// then an order another service told of first counts where that service could place it (no campaign, source or
    /// segment), and the storefront's event moves it.
    /// </summary>
    public bool ToldByStorefront { get; set; }
    public bool CustomerCounted { get; set; }
    /// <summary>
    /// The customer's chronologically first order (order time, ties by order id) of those analytics counted: counted in
    /// <c>first_orders</c>, else in <c>repeat_orders</c>. An earlier order told later takes it over.
    /// </summary>
    public bool FirstOrder { get; set; }
    /// <summary>
    /// The customer counts were counted under the order's own dimensions, so they move with its partner (one learned later,
    /// a re-attribution). Orders aggregated before this also covered orders without a partner have it false.
    /// </summary>
    public bool CustomerInPartnerRows { get; set; }
    public bool Attributed { get; set; }
    /// <summary>The commission booked for the order (<c>ConversionAttributed</c>, replaced by a re-attribution), in <see cref="CommissionCurrency"/>.</summary>
    public decimal Commission { get; set; }
    /// <summary>
    /// The commission's currency: the order's, or the program's for a fixed commission on an order in another currency;
    /// null until attributed (and on orders aggregated before it was kept): the order's.
    /// </summary>
    public string? CommissionCurrency { get; set; }
    /// <summary>The commission refunds and cancellations took back (<c>RefundRecorded.CommissionReversed</c>).</summary>
    public decimal CommissionReversed { get; set; }
    /// <summary>
    /// Attribution rejected the credited partner's sale in review (<c>CommissionReversed</c>, reason <c>rejected</c>): its
    /// commission counts 0 until a re-attribution books another partner's.
    /// </summary>
    public bool CommissionRejected { get; set; }
    public bool Coupon { get; set; }
    public bool Verified { get; set; }
    public bool Promotion { get; set; }
    public bool Mismatch { get; set; }
    public bool Refunded { get; set; }
    public long Refunds { get; set; }
    public decimal RefundedAmount { get; set; }
    /// <summary>When attribution last moved the order's credit (the reattribution applied last), if it did.</summary>
    public DateTimeOffset? ReattributedAt { get; set; }
}

/// <summary>A known customer: what the segments are computed from.</summary>
public sealed class CustomerFact
{
    public required string CustomerId { get; init; }
    public int Orders { get; set; }
    /// <summary>The time of the customer's first order (<see cref="FirstOrderId"/>): the earliest, not the first to arrive.</summary>
    public DateTimeOffset? FirstOrderAt { get; set; }
    /// <summary>
    /// The customer's chronologically first order (order time, ties by order id): an order told later that is earlier
    /// takes its place, and this one becomes a repeat order. Null for customers counted before the
    /// <c>ChronologicalFirstOrders</c> migration found none.
    /// </summary>
    public string? FirstOrderId { get; set; }
    public DateTimeOffset? LastOrderAt { get; set; }
    public int Carts { get; set; }
    public int AbandonedCarts { get; set; }
    public bool Lapsed { get; set; }
    /// <summary>The partner of the customer's latest partner-attributed activity (for partners' segment counts).</summary>
    public Guid? PartnerId { get; set; }
    public string[] Segments { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A survey showing: counted shown once, answered once (on the showing's period).</summary>
public sealed class ImpressionFact : DimensionedFact
{
    public Guid ImpressionId { get; init; }
    public DateTimeOffset? ShownAt { get; set; }
    public bool Shown { get; set; }
    public bool Responded { get; set; }
}
