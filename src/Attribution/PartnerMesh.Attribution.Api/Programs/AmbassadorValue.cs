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
    /// <summary>The chain from given figures, to the cent (the projection endpoint names no currency).</summary>
    public static decimal Project(long ambassadors, decimal shareRate, decimal visitsPerShare, decimal revenuePerVisit) =>
        decimal.Round(ambassadors * shareRate * visitsPerShare * revenuePerVisit, 2, MidpointRounding.AwayFromZero);

    /// <summary>Measured figures: an ambassador "shared" when its links brought at least one visit.</summary>
    /// <param name="revenue">Attributed revenue net of refunds, per currency.</param>
    /// <remarks>
    /// The ratios are displayed rounded (share rate to 4 decimals, visits per share and revenue per visit to 2 or the
    /// currency's minor unit), but the projection multiplies the exact ratios and rounds only its result, to the
    /// currency's minor unit: 3 ambassadors of whom one brought the visit of a EUR 300 order project EUR 300.00, not
    /// 3 × 0.3333 × 300 = 299.97; KWD 1.234 stays 1.234.
    /// </remarks>
    public static AmbassadorValue Measure(int ambassadors, int sharers, long visits, IReadOnlyDictionary<string, decimal> revenue)
    {
        var exactShareRate = ambassadors == 0 ? 0m : (decimal)sharers / ambassadors;
        var exactVisitsPerShare = sharers == 0 ? 0m : (decimal)visits / sharers;
        var shareRate = decimal.Round(exactShareRate, 4, MidpointRounding.AwayFromZero);
        var visitsPerShare = decimal.Round(exactVisitsPerShare, 2, MidpointRounding.AwayFromZero);
        var perCurrency = revenue.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair =>
        {
            var exactRevenuePerVisit = visits == 0 ? 0m : pair.Value / visits;
            var projected = Money.Round(ambassadors * exactShareRate * exactVisitsPerShare * exactRevenuePerVisit, pair.Key);
            return new AmbassadorRevenue(pair.Key, Money.Round(pair.Value, pair.Key), Money.Round(exactRevenuePerVisit, pair.Key), projected);
        });
        return new AmbassadorValue(ambassadors, sharers, visits, shareRate, visitsPerShare, [.. perCurrency]);
    }
}

/// <summary>The revenue side of the chain in one currency: visits are shared by all currencies, money is not.</summary>
public sealed record AmbassadorRevenue(string Currency, decimal Revenue, decimal RevenuePerVisit, decimal ProjectedValue);
