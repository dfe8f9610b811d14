namespace PartnerMesh.Analytics.Api.Aggregation;

/// <summary>
/// The KPI counters of one period (an hour or a day in the reporting time zone) for one value of one dimension, kept
/// incrementally by the aggregator; a pair of dimensions (<see cref="Dimensions.Pairs"/>) keeps its second value in
/// <see cref="DimensionValue2"/> (empty for a single dimension). Counts live in the row with an empty <see cref="Currency"/>; money (and the orders
/// it belongs to, for the average order value: those not cancelled) in one row per currency, never summed across currencies.
/// Definitions: docs/kpis.md.
/// </summary>
public sealed class KpiAggregate
{
    public required string Granularity { get; init; }
    public required string Dimension { get; init; }
    public required string DimensionValue { get; init; }
    /// <summary>The second dimension's value of a pair row; empty for a single-dimension row.</summary>
    public string DimensionValue2 { get; init; } = "";
    /// <summary>The period's start as a wall-clock time in the reporting time zone.</summary>
    public DateTime Period { get; init; }
    public required string Currency { get; init; }

    public long Sessions { get; set; }
    public long ConvertedSessions { get; set; }
    public long PageViews { get; set; }
    public long ProductViews { get; set; }
    public long AddToCarts { get; set; }
    public long RemoveFromCarts { get; set; }
    public long CheckoutsStarted { get; set; }
    public long Clicks { get; set; }
    public long Orders { get; set; }
    public long CustomerOrders { get; set; }
    public long FirstOrders { get; set; }
    public long RepeatOrders { get; set; }
    public long Carts { get; set; }
    public long AbandonedCarts { get; set; }
    public long RecoveredCarts { get; set; }
    public long CouponOrders { get; set; }
    public long VerifiedOrders { get; set; }
    public long PromotionOrders { get; set; }
    public long PromotionMismatches { get; set; }
    public long SurveysShown { get; set; }
    public long SurveyResponses { get; set; }
    public long NpsResponses { get; set; }
    public long NpsPromoters { get; set; }
    public long NpsDetractors { get; set; }
    public long AttributedOrders { get; set; }
    public long RefundedOrders { get; set; }
    public long Refunds { get; set; }
    /// <summary>Orders cancelled after they were placed (they stay in <see cref="Orders"/> of the counts row).</summary>
    public long CancelledOrders { get; set; }
    /// <summary>Net revenue: order totals less what refunds and cancellations took back.</summary>
    public decimal Revenue { get; set; }
    /// <summary>Order totals as placed, before refunds.</summary>
    public decimal GrossRevenue { get; set; }
    /// <summary>The net revenue of orders credited to a partner.</summary>
    public decimal PartnerRevenue { get; set; }
    /// <summary>Commission booked less commission reversed by refunds and cancellations.</summary>
    public decimal Commission { get; set; }
    public decimal RefundedAmount { get; set; }

    /// <summary>
    /// Nothing counted: every counter and amount is 0 — a row an order (or a session) moved out of when a later event
    /// placed it elsewhere. Reports leave such rows out, so they show what counting in its final place from the start shows.
    /// </summary>
    public bool IsEmpty =>
        Sessions == 0 && ConvertedSessions == 0 && PageViews == 0 && ProductViews == 0 && AddToCarts == 0 && RemoveFromCarts == 0
        && CheckoutsStarted == 0 && Clicks == 0 && Orders == 0 && CustomerOrders == 0 && FirstOrders == 0 && RepeatOrders == 0 && Carts == 0
        && AbandonedCarts == 0 && RecoveredCarts == 0 && CouponOrders == 0 && VerifiedOrders == 0 && PromotionOrders == 0
        && PromotionMismatches == 0 && SurveysShown == 0 && SurveyResponses == 0 && NpsResponses == 0 && NpsPromoters == 0
        && NpsDetractors == 0 && AttributedOrders == 0 && RefundedOrders == 0 && Refunds == 0 && CancelledOrders == 0 && Revenue == 0m
        && GrossRevenue == 0m && PartnerRevenue == 0m && Commission == 0m && RefundedAmount == 0m;

    public DateTimeOffset UpdatedAt { get; set; }
}

public static class Granularities
{
    public const string Day = "day";
    public const string Hour = "hour";

    public static readonly string[] All = [Day, Hour];
}

public static class Dimensions
{
    public const string All = "all";
    public const string Partner = "partner";
    public const string Campaign = "campaign";
    public const string Segment = "segment";
    public const string Touchpoint = "touchpoint";
    public const string TrafficSource = "traffic_source";

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        All, Partner, Campaign, Segment, Touchpoint, TrafficSource,
    };

    /// <summary>
    /// The single-valued dimensions that pair, in their canonical order (a pair is named and stored first-second in
    /// this order). Segment does not pair: a customer is in several segments at once and their membership changes, so
    /// its pairs would multiply every write; <c>all</c> paired with X is X.
    /// </summary>
    public static readonly string[] Pairable = [Partner, Campaign, Touchpoint, TrafficSource];

    /// <summary>Every pair of <see cref="Pairable"/> dimensions, named "first,second" (6 pairs).</summary>
    public static readonly IReadOnlySet<string> Pairs = new HashSet<string>(
        Pairable.SelectMany((first, i) => Pairable.Skip(i + 1).Select(second => PairName(first, second))), StringComparer.Ordinal);

    public static string PairName(string first, string second) => first + "," + second;

    private static readonly string[,] PairNames = BuildPairNames();

    /// <summary>The name of the pair of <see cref="Pairable"/>[<paramref name="first"/>] and [<paramref name="second"/>], without building a string.</summary>
    public static string PairName(int first, int second) => PairNames[first, second];

    private static string[,] BuildPairNames()
    {
        var names = new string[Pairable.Length, Pairable.Length];
        for (var i = 0; i < Pairable.Length; i++)
        {
            for (var j = 0; j < Pairable.Length; j++)
            {
                names[i, j] = PairName(Pairable[i], Pairable[j]);
            }
        }

        return names;
    }

    /// <summary>The pair of two dimensions in canonical order, or <c>null</c> when they do not pair.</summary>
    public static (string First, string Second)? Pair(string a, string b)
    {
        var (i, j) = (Array.IndexOf(Pairable, a), Array.IndexOf(Pairable, b));
        return i < 0 || j < 0 || i == j ? null : i < j ? (a, b) : (b, a);
    }
}
