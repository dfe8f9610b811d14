namespace PartnerMesh.Analytics.Api;

/// <summary>Settings of section <c>Analytics</c> (env <c>Analytics__ReportingTimeZone</c>, ...).</summary>
public sealed class AnalyticsOptions
{
    public const string SectionName = "Analytics";

    /// <summary>
    /// The merchant's reporting time zone (IANA id, e.g. <c>Europe/Berlin</c>): days and hours of the KPI aggregates are
    /// cut in it. Changing it applies to events aggregated afterwards; a replay re-cuts the whole history.
    /// </summary>
    public string ReportingTimeZone { get; set; } = "UTC";

    public IngestionOptions Ingestion { get; set; } = new();

    public CartAbandonmentOptions CartAbandonment { get; set; } = new();

    /// <summary>
    /// How long a storefront event that named a click analytics has not seen waits for that click's <c>ClickRecorded</c>
    /// (<see cref="Aggregation.UnlinkedClickEvent"/>): a click is recorded within seconds of its redirect, so after this the
    /// id is taken to name no click (a typo, a forged id) and the event stays without a partner.
    /// </summary>
    public TimeSpan UnlinkedClickRetention { get; set; } = TimeSpan.FromDays(7);

    public SegmentOptions Segments { get; set; } = new();

    public PartnerSurveyOptions PartnerSurveys { get; set; } = new();

    public ConcentrationRiskOptions ConcentrationRisk { get; set; } = new();

    public ShoppingCalendarOptions Calendar { get; set; } = new();

    /// <summary>How many events the aggregator applies per transaction.</summary>
    public int AggregationBatchSize { get; set; } = 2000;

    /// <summary>
    /// The largest batch when the aggregator is behind: after a full batch the next one takes twice as many, up to this
    /// (fewer, larger transactions spread the per-batch costs, above all the counter upsert, over more events).
    /// </summary>
    public int AggregationMaxBatchSize { get; set; } = 8000;

    /// <summary>How often the aggregator looks for events other instances accepted (a local batch wakes it at once).</summary>
    public TimeSpan AggregationPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeZoneInfo TimeZone() => TimeZoneInfo.FindSystemTimeZoneById(ReportingTimeZone);
}

public sealed class IngestionOptions
{
    public int MaxEventsPerBatch { get; set; } = 1000;

    /// <summary>How far ahead of the server's clock an event's timestamp may be (clock skew of the storefront).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Events older than this are refused as ancient (late batches from a storefront's retry queue are fine).</summary>
    public TimeSpan MaxEventAge { get; set; } = TimeSpan.FromDays(7);
}

public sealed class CartAbandonmentOptions
{
    /// <summary>A cart with items and no activity or order for this long is abandoned.</summary>
    public TimeSpan IdleTime { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>How often carts are checked.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class SegmentOptions
{
    /// <summary>Customers with at least this many orders are frequent buyers.</summary>
    public int FrequentBuyerMinOrders { get; set; } = 3;

    /// <summary>Customers with at least this many abandoned carts ...</summary>
    public int HighAbandonerMinAbandonedCarts { get; set; } = 3;

    /// <summary>... and at least this share of their carts abandoned are high cart abandoners.</summary>
    public decimal HighAbandonerMinShare { get; set; } = 0.5m;

    /// <summary>Buyers without an order for this long are lapsed.</summary>
    public TimeSpan LapsedAfter { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// Segment counts, and survey figures (NPS, response counts and rate) of fewer responses, below this are not shown
    /// to partners (k-anonymity).
    /// </summary>
    public int PartnerAnonymityThreshold { get; set; } = 5;
}

/// <summary>
/// How partners see survey figures (NPS, survey responses and rate, showings): only in fixed cells of one whole week
/// (Monday to Sunday in the reporting time zone), never per day or hour (<see cref="Reporting.PartnerSurveyCells"/>).
/// </summary>
public sealed class PartnerSurveyOptions
{
    /// <summary>
    /// Partners see ended weeks only (as <c>Surveys:PartnerInsightsEndedWeeksOnly</c>), each stored when first published
    /// and never changed afterwards. Off: they also see the current week as it fills (cells under k suppressed), and two
    /// reads one response apart show how that response moved it.
    /// </summary>
    public bool EndedWeeksOnly { get; set; } = true;

    /// <summary>How long after its end a week is published (the surveys service waits one hour too).</summary>
    public TimeSpan PublicationDelay { get; set; } = TimeSpan.FromHours(1);
}

public sealed class ConcentrationRiskOptions
{
    /// <summary>A partner whose share of revenue (per currency) exceeds this is a concentration risk.</summary>
    public decimal Threshold { get; set; } = 0.5m;

    /// <summary>The trailing window the share is measured over.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Revenue below this (in the currency) is too little to judge.</summary>
    public decimal MinimumRevenue { get; set; } = 0m;

    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>The key shopping days of <c>GET /api/analytics/calendar</c> besides the built-in ones.</summary>
public sealed class ShoppingCalendarOptions
{
    /// <summary>Keys of built-in days not to list (e.g. <c>mothers-day</c> where it falls on another day; add that under <see cref="Days"/>).</summary>
    public List<string> ExcludeBuiltIn { get; set; } = [];

    /// <summary>The merchant's own key days (e.g. a store anniversary, a local Mother's Day).</summary>
    public List<KeyDayOptions> Days { get; set; } = [];
}

public sealed class KeyDayOptions
{
    public string Key { get; set; } = "";

    public string? Name { get; set; }

    /// <summary><c>MM-dd</c> for every year, or <c>yyyy-MM-dd</c> for one year only.</summary>
    public string Date { get; set; } = "";
}
