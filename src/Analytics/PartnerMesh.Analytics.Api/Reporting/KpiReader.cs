using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Infrastructure;

namespace PartnerMesh.Analytics.Api.Reporting;

/// <summary>Reads KPI aggregates for a range of days (in the reporting time zone) and builds the report.</summary>
public sealed class KpiReader(AnalyticsDbContext db, IOptions<AnalyticsOptions> options)
{
    public Task<KpiReport> ReportAsync(
        string granularity, string dimension, string? value, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        ReportAsync(granularity, dimension, value, null, from, to, cancellationToken);

    /// <summary>
    /// The report of one dimension, or of a pair (<paramref name="dimension"/> one of <see cref="Dimensions.Pairs"/>,
    /// <paramref name="value"/> filtering its first dimension and <paramref name="value2"/> its second).
    /// </summary>
    public async Task<KpiReport> ReportAsync(
        string granularity, string dimension, string? value, string? value2, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var pair = Dimensions.Pairs.Contains(dimension);
        var rows = await RowsAsync(granularity, dimension, value, value2, from, to, cancellationToken);

        // A partner's share of the merchant's revenue needs the merchant-wide money of the same periods.
        var shareBasis = dimension == Dimensions.Partner || (pair && dimension.StartsWith(Dimensions.Partner + ",", StringComparison.Ordinal));
        var merchant = shareBasis ? await MerchantRevenueAsync(granularity, from, to, cancellationToken) : [];
        var merchantByPeriod = merchant.ToLookup(row => row.Period);
        var merchantTotals = merchant.GroupBy(row => row.Currency, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Sum(row => row.Revenue), StringComparer.Ordinal);

        var report = rows
            .GroupBy(row => (row.Period, row.DimensionValue, row.DimensionValue2))
            .OrderBy(group => group.Key.Period)
            .ThenBy(group => group.Key.DimensionValue, StringComparer.Ordinal)
            .ThenBy(group => group.Key.DimensionValue2, StringComparer.Ordinal)
            .Select(group => new KpiRow(
                FormatPeriod(granularity, group.Key.Period),
                dimension == Dimensions.All ? null : group.Key.DimensionValue,
                KpiFigureBuilder.Build(
                    group.ToList(),
                    shareBasis ? merchantByPeriod[group.Key.Period].GroupBy(row => row.Currency, StringComparer.Ordinal)
                        .ToDictionary(g => g.Key, g => g.Sum(row => row.Revenue), StringComparer.Ordinal) : null),
                pair ? group.Key.DimensionValue2 : null))
            .ToList();
        var totals = rows
            .GroupBy(row => (row.DimensionValue, row.DimensionValue2))
            .OrderBy(group => group.Key.DimensionValue, StringComparer.Ordinal)
            .ThenBy(group => group.Key.DimensionValue2, StringComparer.Ordinal)
            .Select(group => new KpiTotals(
                dimension == Dimensions.All ? null : group.Key.DimensionValue,
                KpiFigureBuilder.Build(group.ToList(), shareBasis ? merchantTotals : null),
                pair ? group.Key.DimensionValue2 : null))
            .ToList();
        if (totals.Count == 0 && (dimension == Dimensions.All || (value is not null && (!pair || value2 is not null))))
        {
            totals.Add(new KpiTotals(value, KpiFigureBuilder.Build([]), value2));
        }

        return new KpiReport(
            from, to, granularity, dimension, options.Value.ReportingTimeZone, report, totals, pair ? dimension.Split(',') : null);
    }

    public async Task<List<KpiAggregate>> RowsAsync(
        string granularity, string dimension, string? value, string? value2, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var (start, end) = (from.ToDateTime(TimeOnly.MinValue), to.AddDays(1).ToDateTime(TimeOnly.MinValue));
        var valueKey = dimension == Dimensions.All ? "" : value;
        var value2Key = Dimensions.Pairs.Contains(dimension) ? value2 : "";
        var query = db.Aggregates.AsNoTracking()
            .Where(row => row.Granularity == granularity && row.Dimension == dimension && row.Period >= start && row.Period < end);
        if (valueKey is not null)
        {
            query = query.Where(row => row.DimensionValue == valueKey);
        }

        if (value2Key is not null)
        {
            query = query.Where(row => row.DimensionValue2 == value2Key);
        }

        return (await query.ToListAsync(cancellationToken)).Where(row => !row.IsEmpty).ToList();
    }

    private async Task<List<KpiAggregate>> MerchantRevenueAsync(string granularity, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var (start, end) = (from.ToDateTime(TimeOnly.MinValue), to.AddDays(1).ToDateTime(TimeOnly.MinValue));
        var rows = await db.Aggregates.AsNoTracking()
            .Where(row => row.Granularity == granularity && row.Dimension == Dimensions.All && row.DimensionValue == ""
                && row.Period >= start && row.Period < end && row.Currency != "")
            .Select(row => new { row.Period, row.Currency, row.Revenue })
            .ToListAsync(cancellationToken);
        return rows.Select(row => new KpiAggregate
        {
            Granularity = granularity, Dimension = Dimensions.All, DimensionValue = "", Period = row.Period, Currency = row.Currency, Revenue = row.Revenue,
        }).ToList();
    }

    public static string FormatPeriod(string granularity, DateTime period) =>
        granularity == Granularities.Hour
            ? period.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture)
            : period.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
