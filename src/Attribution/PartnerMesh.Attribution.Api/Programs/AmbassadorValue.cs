namespace PartnerMesh.Attribution.Api.Programs;

/// <summary>
/// The value chain of a customer-ambassador program: ambassadors × share rate = sharers; × visits per share = visits;
/// × revenue per visit = projected revenue (40 % × 11.5 × $3.62 × 10,000 ambassadors = $166,520).
/// </summary>
public sealed record AmbassadorValue(
    int Ambassadors, int Sharers, long Visits, decimal Revenue, decimal ShareRate, decimal VisitsPerShare, decimal RevenuePerVisit, decimal ProjectedValue)
{
    public static decimal Project(long ambassadors, decimal shareRate, decimal visitsPerShare, decimal revenuePerVisit) =>
        decimal.Round(ambassadors * shareRate * visitsPerShare * revenuePerVisit, 2, MidpointRounding.AwayFromZero);

    /// <summary>Measured figures: an ambassador "shared" when its links brought at least one visit.</summary>
    public static AmbassadorValue Measure(int ambassadors, int sharers, long visits, decimal revenue)
    {
        var shareRate = ambassadors == 0 ? 0m : decimal.Round((decimal)sharers / ambassadors, 4, MidpointRounding.AwayFromZero);
        var visitsPerShare = sharers == 0 ? 0m : decimal.Round((decimal)visits / sharers, 2, MidpointRounding.AwayFromZero);
        var revenuePerVisit = visits == 0 ? 0m : decimal.Round(revenue / visits, 2, MidpointRounding.AwayFromZero);
        return new AmbassadorValue(ambassadors, sharers, visits, revenue, shareRate, visitsPerShare, revenuePerVisit,
            Project(ambassadors, shareRate, visitsPerShare, revenuePerVisit));
    }
}
