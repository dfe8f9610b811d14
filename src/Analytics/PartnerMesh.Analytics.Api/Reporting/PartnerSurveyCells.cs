using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Infrastructure;
using PartnerMesh.Analytics.Api.Ingestion;

namespace PartnerMesh.Analytics.Api.Reporting;

/// <summary>
/// The survey figures a partner sees (KPI report, scorecard), in fixed publication cells that two reads cannot
/// difference: one whole week (Monday to Sunday, reporting time zone) per cell, never a day or an hour; a range is widened
/// to the weeks it touches. A week is published once it has ended (plus <see cref="PartnerSurveyOptions.PublicationDelay"/>)
/// and its survey events are counted: at a partner's first read after that, all of the partner's cells of the week (its
/// own and those of its pairs) are computed with k-anonymity (<see cref="SurveyAnonymity"/>) and stored in one
/// transaction, and from then on read back unchanged — a late event (a response to one of its showings, a message that
/// was held up) can no longer move what the partner was shown. Totals add up shown cells only.
/// </summary>
public sealed class PartnerSurveyCells(AnalyticsDbContext db, IOptions<AnalyticsOptions> options, TimeProvider timeProvider)
{
    /// <summary>First key of <c>pg_advisory_xact_lock(int, int)</c>: one publication per partner at a time (the second key).</summary>
    private const int PublicationLock = 0x53555256;

    /// <summary>The partner's own dimension and every pair with it, all published together.</summary>
    private static readonly string[] PartnerDimensions =
    [
        Dimensions.Partner,
        Dimensions.PairName(Dimensions.Partner, Dimensions.Campaign),
        Dimensions.PairName(Dimensions.Partner, Dimensions.Touchpoint),
        Dimensions.PairName(Dimensions.Partner, Dimensions.TrafficSource),
    ];

    /// <summary>
    /// A report as its partner sees it: period rows without survey figures, totals with those of the range's weekly
    /// cells (per pair value in a pair report), and the cells themselves in <see cref="KpiReport.Surveys"/>.
    /// </summary>
    public async Task<KpiReport> ApplyAsync(KpiReport report, Guid partner, string? value2, CancellationToken cancellationToken)
    {
        var (weeks, cells, incomplete) = await ReadAsync(partner, report.Dimension, value2, report.From, report.To, cancellationToken);
        var single = !Dimensions.Pairs.Contains(report.Dimension);

        // A row that only surveys made (a day with an answer and nothing else) would tell when someone answered: left out.
        return report with
        {
            Rows = [.. report.Rows.Select(row => row with { Kpis = SurveyAnonymity.Withhold(row.Kpis) }).Where(row => !SurveyAnonymity.IsEmpty(row.Kpis))],
            Totals =
            [
                .. report.Totals
                    .Select(total => (Total: total, Cells: cells.Where(cell => cell.DimensionValue2 == (total.DimensionValue2 ?? "")).ToList()))
                    .Where(item => single || item.Cells.Count > 0 || !SurveyAnonymity.IsEmpty(SurveyAnonymity.Withhold(item.Total.Kpis)))
                    .Select(item => item.Total with { Kpis = SurveyAnonymity.WithCells(item.Total.Kpis, item.Cells, incomplete) }),
            ],
            Surveys = weeks,
        };
    }

    /// <summary>
    /// The partner's cells of <paramref name="dimension"/> (<c>partner</c> or a pair with it, optionally one
    /// <paramref name="value2"/>) for the weeks of [<paramref name="from"/>, <paramref name="to"/>], publishing the ended
    /// weeks not published yet; <c>Incomplete</c> when some week of the range has no cells yet.
    /// </summary>
    public async Task<(PartnerSurveyWeeks Weeks, List<PartnerSurveyCell> Cells, bool Incomplete)> ReadAsync(
        Guid partner, string dimension, string? value2, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var zone = settings.TimeZone();
        var k = settings.Segments.PartnerAnonymityThreshold;
        var now = timeProvider.GetUtcNow();
        var (first, last) = (WeekOf(from), WeekOf(to));
        var lastEnded = WeekOf(LocalDay(now - settings.PartnerSurveys.PublicationDelay, zone)).AddDays(-7);

        var published = await PublishedWeeksAsync(partner, first, last, cancellationToken);
        var missing = Weeks(first, Min(last, lastEnded)).Where(week => !published.Contains(week)).ToList();
        var publishedThrough = lastEnded.AddDays(6);
        if (missing.Count > 0)
        {
            if (await PublishAsync(partner, missing, zone, k, now, cancellationToken))
            {
                published.UnionWith(missing);
            }
            else
            {
                publishedThrough = Min(publishedThrough, missing[0].AddDays(-1));
            }
        }

        var cells = await db.PartnerSurveyCells.AsNoTracking()
            .Where(cell => cell.PartnerId == partner && cell.Dimension == dimension && cell.Week >= first && cell.Week <= last
                && (value2 == null || cell.DimensionValue2 == value2))
            .OrderBy(cell => cell.Week).ThenBy(cell => cell.DimensionValue2)
            .ToListAsync(cancellationToken);
        var shown = cells.Select(cell => (Cell: cell, Final: true)).ToList();

        // A program that chose fresh figures over fixed ones: the current week as it fills, not stored.
        var live = !settings.PartnerSurveys.EndedWeeksOnly && last > lastEnded;
        if (live)
        {
            var liveFrom = Max(first, lastEnded.AddDays(7));
            var sums = await SumsAsync(partner, liveFrom, last, cancellationToken);
            foreach (var week in Weeks(liveFrom, last))
            {
                var weekCells = SurveyAnonymity.Cells(partner, week, [.. sums.Where(sum => sum.Week == week)], k, now)
                    .Where(cell => cell.Dimension == dimension && (value2 is null || cell.DimensionValue2 == value2));
                shown.AddRange(weekCells.Select(cell => (cell, false)));
                published.Add(week);
            }
        }

        // A published week without survey activity is stored (so it is not published again) but shows no measure: it is
        // neither listed nor counted in a total, where it would read 0 instead of null.
        shown.RemoveAll(item => Empty(item.Cell));
        var weeks = new PartnerSurveyWeeks(
            first,
            last.AddDays(6),
            publishedThrough,
            k,
            [.. shown.Select(item => SurveyAnonymity.ToResponse(item.Cell, item.Final))],
            live);
        var incomplete = Weeks(first, last).Any(week => !published.Contains(week));
        return (weeks, [.. shown.Select(item => item.Cell)], incomplete);
    }

    /// <summary>
    /// Stores the cells of <paramref name="weeks"/> (ascending) under the partner's publication lock, unless survey events
    /// of those weeks still wait to be counted (a replay, a backlog): then nothing is published and a later read tries again.
    /// </summary>
    private async Task<bool> PublishAsync(Guid partner, List<DateOnly> weeks, TimeZoneInfo zone, int k, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PublicationLock}, hashtext({partner.ToString()}))", cancellationToken);
        var done = await PublishedWeeksAsync(partner, weeks[0], weeks[^1], cancellationToken);
        weeks = [.. weeks.Where(week => !done.Contains(week))];
        if (weeks.Count == 0)
        {
            return true;
        }

        var end = StartUtc(weeks[^1].AddDays(7), zone);
        var counting = await db.RawEvents.AnyAsync(
            raw => raw.AggregatedAt == null && raw.OccurredAt < end
                && (raw.Type == EventTypes.SurveyShown || raw.Type == EventTypes.SurveyResponseSubmitted),
            cancellationToken);
        if (counting)
        {
            return false;
        }

        var sums = await SumsAsync(partner, weeks[0], weeks[^1], cancellationToken);
        foreach (var week in weeks)
        {
            db.PartnerSurveyCells.AddRange(SurveyAnonymity.Cells(partner, week, [.. sums.Where(sum => sum.Week == week)], k, now));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return true;
    }

    private async Task<HashSet<DateOnly>> PublishedWeeksAsync(Guid partner, DateOnly first, DateOnly last, CancellationToken cancellationToken) =>
        [
            .. await db.PartnerSurveyCells.AsNoTracking()
                .Where(cell => cell.PartnerId == partner && cell.Dimension == Dimensions.Partner && cell.DimensionValue2 == ""
                    && cell.Week >= first && cell.Week <= last)
                .Select(cell => cell.Week)
                .ToListAsync(cancellationToken),
        ];

    /// <summary>The partner's survey counters per week (from the day rows) of its own dimension and its pairs (columns named
    /// in snake case, as the model names <see cref="SurveySums"/>' properties).</summary>
    private Task<List<SurveySums>> SumsAsync(Guid partner, DateOnly firstWeek, DateOnly lastWeek, CancellationToken cancellationToken)
    {
        // Days as dates: a DateTime parameter would be sent as timestamptz, the periods are local timestamps.
        var (start, end) = (firstWeek, lastWeek.AddDays(7));
        return db.Database.SqlQuery<SurveySums>(
            $"""
            SELECT dimension, dimension_value2, date_trunc('week', period)::date AS week,
                   sum(surveys_shown)::bigint AS surveys_shown, sum(survey_responses)::bigint AS survey_responses,
                   sum(nps_responses)::bigint AS nps_responses, sum(nps_promoters)::bigint AS nps_promoters,
                   sum(nps_detractors)::bigint AS nps_detractors
            FROM kpi_aggregates
            WHERE granularity = {Granularities.Day} AND dimension = ANY({PartnerDimensions}) AND dimension_value = {partner.ToString()}
              AND currency = '' AND period >= {start} AND period < {end}
              AND (surveys_shown <> 0 OR survey_responses <> 0 OR nps_responses <> 0)
            GROUP BY 1, 2, 3
            """).ToListAsync(cancellationToken);
    }

    /// <summary>The Monday of <paramref name="day"/>'s ISO week.</summary>
    public static DateOnly WeekOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    private static IEnumerable<DateOnly> Weeks(DateOnly first, DateOnly last)
    {
        for (var week = first; week <= last; week = week.AddDays(7))
        {
            yield return week;
        }
    }

    private static bool Empty(PartnerSurveyCell cell) => cell is { SurveysShown: 0, SurveyResponses: 0, NpsResponses: 0 };

    private static DateOnly LocalDay(DateTimeOffset at, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    /// <summary>The instant a local day starts (the first valid local time where a clock change skips midnight).</summary>
    private static DateTimeOffset StartUtc(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
}
