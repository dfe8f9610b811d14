using System.Globalization;
using Microsoft.Extensions.Options;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Kpis;

namespace PartnerMesh.Analytics.Api.Reporting;

/// <summary>
/// The revenue shares a partner sees. A share is the partner's revenue over the merchant's, and the partner knows its own
/// revenue, so a share tells the merchant's revenue — and the revenue of everyone else's orders. Partners therefore get a
/// share only of whole, ended days (reporting time zone) whose orders in that currency that are not the partner's number
/// at least k (<c>Analytics:Segments:PartnerAnonymityThreshold</c>); never of an hour, and a total's share is over those
/// days only (the row's revenue of those days over the merchant's), so a difference of two totals, or of a total and its
/// days, is always a sum of days that are shown anyway. Every other share is <c>null</c> with
/// <see cref="CurrencyFigures.RevenueShareSuppressed"/>. Admins keep exact shares.
/// </summary>
public sealed class PartnerRevenueShares(KpiReader reader, IOptions<AnalyticsOptions> options, TimeProvider timeProvider)
{
    /// <param name="value2">The report's filter of a pair's second dimension (<c>null</c>: every value).</param>
    public async Task<KpiReport> ApplyAsync(KpiReport report, Guid partner, string? value2, CancellationToken cancellationToken)
    {
        if (!HasShares(report))
        {
            return report;
        }

        var settings = options.Value;
        var k = settings.Segments.PartnerAnonymityThreshold;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(timeProvider.GetUtcNow(), settings.TimeZone()).DateTime);
        var partnerId = partner.ToString();

        // Per day and currency: the merchant's revenue and orders, and the partner's own orders (all of them, not only the
        // row's: a pair row's share would otherwise count the partner's other orders as someone else's).
        var merchant = (await reader.RowsAsync(Granularities.Day, Dimensions.All, null, null, report.From, report.To, cancellationToken))
            .Where(row => row.Currency.Length > 0)
            .ToDictionary(row => (Day(row.Period), row.Currency));
        var own = (await reader.RowsAsync(Granularities.Day, Dimensions.Partner, partnerId, null, report.From, report.To, cancellationToken))
            .Where(row => row.Currency.Length > 0)
            .ToDictionary(row => (Day(row.Period), row.Currency), row => row.Orders);
        var shown = merchant
            .Where(entry => entry.Key.Item1 < today && entry.Value.Orders - own.GetValueOrDefault(entry.Key) >= k)
            .Select(entry => entry.Key)
            .ToHashSet();

        // The row's own days, for the totals (the report itself may be by hour).
        var days = report.Granularity == Granularities.Day
            ? null
            : await reader.RowsAsync(Granularities.Day, report.Dimension, partnerId, value2, report.From, report.To, cancellationToken);
        var rowRevenue = (days?.Where(row => row.Currency.Length > 0).Select(row => (row.DimensionValue, row.DimensionValue2, Day: Day(row.Period), row.Currency, row.Revenue))
                ?? report.Rows.SelectMany(row => row.Kpis.Sales.Select(sale =>
                    (row.DimensionValue ?? "", row.DimensionValue2 ?? "", Day: DateOnly.ParseExact(row.Period, "yyyy-MM-dd", CultureInfo.InvariantCulture), sale.Currency, sale.Revenue))))
            .ToList();

        return report with
        {
            Rows =
            [
                .. report.Rows.Select(row => row with
                {
                    Kpis = Shares(row.Kpis, (_, share) => report.Granularity == Granularities.Day
                        && shown.Contains((DateOnly.ParseExact(row.Period, "yyyy-MM-dd", CultureInfo.InvariantCulture), share.Currency))
                            ? share
                            : Suppressed(share)),
                }),
            ],
            Totals =
            [
                .. report.Totals.Select(total => total with
                {
                    Kpis = Shares(total.Kpis, (_, share) =>
                    {
                        var shownDays = merchant.Keys.Where(key => key.Currency == share.Currency && shown.Contains(key)).Select(key => key.Item1).ToHashSet();
                        var revenue = rowRevenue
                            .Where(day => day.Item1 == (total.DimensionValue ?? "") && day.Item2 == (total.DimensionValue2 ?? "")
                                && day.Currency == share.Currency && shownDays.Contains(day.Day))
                            .Sum(day => day.Revenue);
                        var merchantRevenue = shownDays.Sum(day => merchant[(day, share.Currency)].Revenue);
                        var complete = merchant.Keys.Count(key => key.Currency == share.Currency) == shownDays.Count;
                        return share with
                        {
                            RevenueShare = shownDays.Count == 0 ? null : KpiRates.Ratio(revenue, merchantRevenue),
                            RevenueShareSuppressed = !complete,
                        };
                    }),
                }),
            ],
        };
    }

    /// <summary>A partner's scorecard figures: its totals over the range, shares as in a report.</summary>
    public async Task<KpiFigures> ApplyToTotalAsync(KpiReport report, Guid partner, CancellationToken cancellationToken) =>
        (await ApplyAsync(report, partner, null, cancellationToken)).Totals[0].Kpis;

    private static bool HasShares(KpiReport report) =>
        report.Rows.Any(row => row.Kpis.Sales.Any(sale => sale.RevenueShare is not null))
        || report.Totals.Any(total => total.Kpis.Sales.Any(sale => sale.RevenueShare is not null));

    private static KpiFigures Shares(KpiFigures figures, Func<KpiFigures, CurrencyFigures, CurrencyFigures> share) =>
        figures.Sales.Any(sale => sale.RevenueShare is not null)
            ? figures with { Sales = [.. figures.Sales.Select(sale => sale.RevenueShare is null ? sale : share(figures, sale))] }
            : figures;

    private static CurrencyFigures Suppressed(CurrencyFigures share) => share with { RevenueShare = null, RevenueShareSuppressed = true };

    private static DateOnly Day(DateTime period) => DateOnly.FromDateTime(period);
}
