using PartnerMesh.Attribution.Api.Common;

namespace PartnerMesh.Attribution.Api.Programs;

/// <summary>
/// The value chain of a customer-ambassador program: ambassadors × share rate = sharers; × visits per share = visits;
/// × revenue per visit = projected revenue (40 % × 11.5 × $3.62 × 10,000 ambassadors = $166,520). Money is never added
/// across currencies: revenue, revenue per visit and the projection come per currency of the attributed orders.
/// </summary>
public sealed record AmbassadorValue(
    int Ambassadors, int Sharers, long Visits, decimal ShareRate, decimal VisitsPerShare, IReadOnlyList<AmbassadorRevenue> Revenue)
{
    public static decimal Project(long ambassadors, decimal shareRate, decimal visitsPerShare, decimal revenuePerVisit) =>
        decimal.Round(ambassadors * shareRate * visitsPerShare * revenuePerVisit, 2, MidpointRounding.AwayFromZero);

    /// <summary>Measured figures: an ambassador "shared" when its links brought at least one visit.</summary>
    /// <param name="revenue">Attributed revenue net of refunds, per currency.</param>
    public static AmbassadorValue Measure(int ambassadors, int sharers, long visits, IReadOnlyDictionary<string, decimal> revenue)
    {
        var shareRate = ambassadors == 0 ? 0m : decimal.Round((decimal)sharers / ambassadors, 4, MidpointRounding.AwayFromZero);
        var visitsPerShare = sharers == 0 ? 0m : decimal.Round((decimal)visits / sharers, 2, MidpointRounding.AwayFromZero);
        var perCurrency = revenue.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair =>
        {
            var revenuePerVisit = visits == 0 ? 0m : Money.Round(pair.Value / visits, pair.Key);
            var projected = Money.Round(Project(ambassadors, shareRate, visitsPerShare, revenuePerVisit), pair.Key);
            return new AmbassadorRevenue(pair.Key, Money.Round(pair.Value, pair.Key), revenuePerVisit, projected);
        });
        return new AmbassadorValue(ambassadors, sharers, visits, shareRate, visitsPerShare, [.. perCurrency]);
    }
}

/// <summary>The revenue side of the chain in one currency: visits are shared by all currencies, money is not.</summary>
public sealed record AmbassadorRevenue(string Currency, decimal Revenue, decimal RevenuePerVisit, decimal ProjectedValue);
