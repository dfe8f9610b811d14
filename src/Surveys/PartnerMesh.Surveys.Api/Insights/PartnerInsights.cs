namespace PartnerMesh.Surveys.Api.Insights;

public sealed record PartnerReasonCount(string Code, int? Count, bool Suppressed);

public sealed record PartnerGroup(string Key, bool Suppressed, int? Responses, double? Nps, double? CsatMean);

/// <summary>One fixed cell: one survey, one ISO week. Suppressed cells carry no figures at all.</summary>
public sealed record PartnerCell(
    Guid SurveyId, DateOnly WeekStart, bool Suppressed, int? Shown, int? Responses, NpsFigure? Nps, CsatFigure? Csat,
    IReadOnlyList<PartnerReasonCount> Reasons, IReadOnlyList<PartnerGroup> Groups);

/// <summary>Totals over the shown cells only (NPS and CSAT over the cells that show them), so they never depend on a hidden figure.</summary>
public sealed record PartnerTotals(int Shown, int Responses, NpsFigure? Nps, CsatFigure? Csat);

/// <summary>A survey the report has cells of: its name and kind, so a partner can tell them apart (no questions, no answers).</summary>
public sealed record PartnerSurvey(Guid Id, string Name, string Kind);

public sealed record PartnerInsightsReport(Guid PartnerId, int MinimumGroupSize, string Bucket, DateOnly From, DateOnly To, string? By,
    IReadOnlyList<PartnerCell> Cells, PartnerTotals Totals)
{
    /// <summary>The surveys named by <see cref="Cells"/>, by name.</summary>
    public IReadOnlyList<PartnerSurvey> Surveys { get; init; } = [];

    /// <summary>The last day of the last ended week (UTC): later days are not published yet, so a cell never changes once shown.</summary>
    public DateOnly? PublishedThrough { get; init; }
}

/// <summary>
/// Partner insights that cannot reveal one shopper (pure). Every figure belongs to a fixed cell — one survey, one whole
/// week (Monday to Sunday in the reporting time zone, <see cref="PartnerWeeks"/>) — that is the same whatever range is asked, so two overlapping queries only ever show the same cells. A cell
/// under k responses is suppressed entirely, and totals add up shown cells only, so "total minus the rest" never
/// isolates it. Analytics publishes the partner's week as one cell over all of its surveys (docs/kpis.md), so what a
/// week hides across the partner's surveys — whole cells, scores, touchpoint groups — adds up to 0 or at least k per
/// measure (complementary suppression across surveys: the smallest shown cells, scores or groups are hidden too), decided
/// over all of the partner's surveys whatever survey is asked for. Inside a shown cell, breakdowns (touchpoints, reason
/// codes) suppress groups under k and, when the suppressed groups would add up to between 1 and k − 1 (cell total minus
/// the shown groups), also the smallest shown groups until they add up to 0 or at least k. Free text never leaves the
/// service.
/// </summary>
public static class PartnerInsights
{
    public const string ByTouchpoint = "touchpoint";

    /// <summary>One survey's responses and showings of one week, before anything is hidden.</summary>
    private sealed record Source(Guid SurveyId, DateOnly Week, IReadOnlyList<ResponseRow> Rows, int Shown)
    {
        public string Key { get; } = SurveyId.ToString();

        public int NpsAnswers => Rows.Count(row => row.NpsScore is not null);
    }

    /// <param name="responses">All of the partner's responses of the weeks (every survey: the week's suppression spans them).</param>
    /// <param name="surveyId">The one survey to report, if any; its cells are those of the report over every survey.</param>
    /// <param name="zone">The reporting time zone whose weeks are the cells (<see cref="PartnerWeeks"/>; UTC if none).</param>
    public static PartnerInsightsReport Build(
        Guid partnerId, IReadOnlyList<ResponseRow> responses, IReadOnlyList<ShowingRow> showings, int k, DateOnly from, DateOnly to, string? by,
        Guid? surveyId = null, TimeZoneInfo? zone = null)
    {
        zone ??= TimeZoneInfo.Utc;
        (Guid SurveyId, DateOnly Week) CellOf(ResponseRow row) => (row.SurveyId, PartnerWeeks.Of(row.SubmittedAt, zone));
        var rowsByCell = responses.ToLookup(CellOf);
        var shownByCell = showings.GroupBy(row => (row.SurveyId, Week: PartnerWeeks.Of(row.ShownAt, zone))).ToDictionary(group => group.Key, group => group.Count());
        var sources = rowsByCell.Select(group => group.Key).Concat(shownByCell.Keys)
            .Distinct()
            .OrderBy(cell => cell.Week).ThenBy(cell => cell.SurveyId)
            .Select(cell => new Source(cell.SurveyId, cell.Week, [.. rowsByCell[cell]], shownByCell.GetValueOrDefault(cell)))
            .ToList();
        var cells = sources.GroupBy(source => source.Week).SelectMany(week => Week([.. week], k, by))
            .Where(cell => surveyId is null || cell.SurveyId == surveyId)
            .ToList();

        // Every total adds up figures the cells show, and only those: a score a cell hides (under k answers) is left out of
        // the score totals too, else "total − the other cells" would reveal it.
        var shownCells = CellsWhere(cells, cell => !cell.Suppressed);
        var npsCells = CellsWhere(cells, cell => cell.Nps is not null);
        var csatCells = CellsWhere(cells, cell => cell.Csat is not null);
        var totals = new PartnerTotals(
            cells.Where(cell => !cell.Suppressed).Sum(cell => cell.Shown ?? 0),
            responses.Count(row => shownCells.Contains(CellOf(row))),
            Statistics.Nps(responses.Where(row => row.NpsScore is not null && npsCells.Contains(CellOf(row))).Select(row => row.NpsScore!.Value)),
            Statistics.Csat([.. responses.Where(row => row.CsatScore is not null && csatCells.Contains(CellOf(row))).Select(row => row.CsatScore!.Value)]));
        return new PartnerInsightsReport(partnerId, k, Intervals.Week, from, to, by, cells, totals);
    }

    private static HashSet<(Guid SurveyId, DateOnly Week)> CellsWhere(IEnumerable<PartnerCell> cells, Func<PartnerCell, bool> predicate) =>
        [.. cells.Where(predicate).Select(cell => (cell.SurveyId, cell.WeekStart))];

    /// <summary>
    /// The cells of one week of the partner, over all of its surveys: cells under k hidden, then the smallest shown cells
    /// while the hidden responses add up to 1 to k − 1; likewise the cells' NPS against the week's NPS answers.
    /// </summary>
    private static List<PartnerCell> Week(IReadOnlyList<Source> sources, int k, string? by)
    {
        var hidden = Suppress(sources.ToDictionary(source => source.Key, source => source.Rows.Count, StringComparer.Ordinal), sources.Sum(source => source.Rows.Count), k);
        var shown = sources.Where(source => !hidden.Contains(source.Key)).ToList();
        var hiddenNps = SuppressBeside(
            shown.ToDictionary(source => source.Key, source => source.NpsAnswers, StringComparer.Ordinal),
            sources.Where(source => hidden.Contains(source.Key)).Sum(source => source.NpsAnswers), k);
        var cells = sources.Select(source => hidden.Contains(source.Key)
            ? new PartnerCell(source.SurveyId, source.Week, true, null, null, null, null, [], [])
            : Cell(source, k, hiddenNps.Contains(source.Key))).ToList();
        return by == ByTouchpoint ? WithTouchpoints(sources, cells, k) : cells;
    }

    private static PartnerCell Cell(Source source, int k, bool hideNps)
    {
        var rows = source.Rows;
        var nps = hideNps ? null : Statistics.Nps(rows.Where(row => row.NpsScore is not null).Select(row => row.NpsScore!.Value));
        var csat = Statistics.Csat([.. rows.Where(row => row.CsatScore is not null).Select(row => row.CsatScore!.Value)]);
        // A score answered by fewer than k shoppers of the cell is itself a small group.
        nps = nps is { Responses: var npsCount } && npsCount >= k ? nps : null;
        csat = csat is { Responses: var csatCount } && csatCount >= k ? csat : null;

        var reasonCounts = rows.SelectMany(row => row.ReasonCodes).GroupBy(code => code, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);
        var reasonsWithAny = rows.Count(row => row.ReasonCodes.Count > 0);
        var hiddenReasons = Suppress(reasonCounts, reasonsWithAny, k);
        var reasons = reasonCounts.OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => hiddenReasons.Contains(pair.Key) ? new PartnerReasonCount(pair.Key, null, true) : new PartnerReasonCount(pair.Key, pair.Value, false))
            .ToList();
        return new PartnerCell(source.SurveyId, source.Week, false, source.Shown, rows.Count, nps, csat, reasons, []);
    }

    /// <summary>
    /// The touchpoint groups of a week's shown cells. Per cell, groups under k and their complement in the cell are hidden;
    /// then per touchpoint across the week's surveys (analytics publishes partner × touchpoint weeks), while the answers
    /// of that touchpoint hidden here — in hidden cells and hidden groups — add up to 1 to k − 1, the smallest shown group
    /// of that touchpoint too. Group NPS the same way: against the cell's NPS (all hidden when the cell hides its own),
    /// then per touchpoint across the surveys.
    /// </summary>
    private static List<PartnerCell> WithTouchpoints(IReadOnlyList<Source> sources, List<PartnerCell> cells, int k)
    {
        var shown = sources.Zip(cells).Where(pair => !pair.Second.Suppressed).ToList();
        var byCell = shown.ToDictionary(
            pair => pair.First.Key,
            pair => pair.First.Rows.GroupBy(row => row.Touchpoint, StringComparer.Ordinal).ToDictionary(group => group.Key, group => group.ToList(), StringComparer.Ordinal),
            StringComparer.Ordinal);
        var hidden = byCell.ToDictionary(
            pair => pair.Key,
            pair => new HashSet<string>(Suppress(pair.Value.ToDictionary(group => group.Key, group => group.Value.Count, StringComparer.Ordinal), pair.Value.Sum(group => group.Value.Count), k), StringComparer.Ordinal),
            StringComparer.Ordinal);
        var touchpoints = sources.SelectMany(source => source.Rows).Select(row => row.Touchpoint).Distinct(StringComparer.Ordinal).ToList();
        AcrossSurveys(touchpoints, sources, byCell, hidden, rows => rows.Count, k);

        var hiddenNps = shown.ToDictionary(
            pair => pair.First.Key,
            pair =>
            {
                var counts = byCell[pair.First.Key].Where(group => !hidden[pair.First.Key].Contains(group.Key))
                    .ToDictionary(group => group.Key, group => NpsAnswers(group.Value), StringComparer.Ordinal);
                return pair.Second.Nps is { } nps
                    ? new HashSet<string>(Suppress(counts, nps.Responses, k), StringComparer.Ordinal)
                    : new HashSet<string>(byCell[pair.First.Key].Keys, StringComparer.Ordinal);
            },
            StringComparer.Ordinal);
        foreach (var (key, groups) in hidden)
        {
            hiddenNps[key].UnionWith(groups);
        }

        AcrossSurveys(touchpoints, sources, byCell, hiddenNps, NpsAnswers, k);

        // CSAT has no figure outside this service: against the cell's CSAT only (the cell's CSAT answers outside the groups
        // showing a CSAT add up to 0 or at least k).
        var hiddenCsat = shown.ToDictionary(
            pair => pair.First.Key,
            pair =>
            {
                var counts = byCell[pair.First.Key].Where(group => !hidden[pair.First.Key].Contains(group.Key))
                    .ToDictionary(group => group.Key, group => group.Value.Count(row => row.CsatScore is not null), StringComparer.Ordinal);
                return Suppress(counts, pair.Second.Csat?.Responses ?? counts.Values.Sum(), k);
            },
            StringComparer.Ordinal);

        return [.. sources.Zip(cells).Select(pair => pair.Second.Suppressed ? pair.Second : pair.Second with
        {
            Groups =
            [
                .. byCell[pair.First.Key].OrderBy(group => group.Key, StringComparer.Ordinal).Select(group => hidden[pair.First.Key].Contains(group.Key)
                    ? new PartnerGroup(group.Key, true, null, null, null)
                    : new PartnerGroup(group.Key, false, group.Value.Count,
                        hiddenNps[pair.First.Key].Contains(group.Key) ? null : GroupNps(group.Value),
                        hiddenCsat[pair.First.Key].Contains(group.Key) ? null : GroupCsat(group.Value))),
            ],
        })];
    }

    /// <summary>
    /// Per touchpoint across the week's cells: while the <paramref name="measure"/> hidden of that touchpoint (in hidden
    /// cells and in the groups <paramref name="hidden"/> names) adds up to 1 to k − 1, hides the smallest group still shown.
    /// </summary>
    private static void AcrossSurveys(
        IReadOnlyList<string> touchpoints, IReadOnlyList<Source> sources, Dictionary<string, Dictionary<string, List<ResponseRow>>> byCell,
        Dictionary<string, HashSet<string>> hidden, Func<IReadOnlyList<ResponseRow>, int> measure, int k)
    {
        foreach (var touchpoint in touchpoints)
        {
            var all = measure([.. sources.SelectMany(source => source.Rows).Where(row => row.Touchpoint == touchpoint)]);
            var shownGroups = byCell.Where(cell => cell.Value.ContainsKey(touchpoint) && !hidden[cell.Key].Contains(touchpoint))
                .ToDictionary(cell => cell.Key, cell => measure(cell.Value[touchpoint]), StringComparer.Ordinal);
            foreach (var key in SuppressBeside(shownGroups, all - shownGroups.Values.Sum(), k))
            {
                hidden[key].Add(touchpoint);
            }
        }
    }

    private static int NpsAnswers(IReadOnlyList<ResponseRow> rows) => rows.Count(row => row.NpsScore is not null);

    /// <summary>
    /// The keys to hide: every group under k, then — when the hidden groups add up to between 1 and k − 1 and could be
    /// recovered as total minus the shown ones — the smallest shown groups until the hidden sum is 0 or at least k.
    /// </summary>
    public static IReadOnlySet<string> Suppress(IReadOnlyDictionary<string, int> groups, int total, int k)
    {
        var hidden = groups.Where(pair => pair.Value < k).Select(pair => pair.Key).ToHashSet(StringComparer.Ordinal);
        var hiddenSum = total - groups.Where(pair => !hidden.Contains(pair.Key)).Sum(pair => pair.Value);
        var hiddenCount = groups.Where(pair => hidden.Contains(pair.Key)).Sum(pair => pair.Value);
        foreach (var next in groups.Where(pair => !hidden.Contains(pair.Key)).OrderBy(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal))
        {
            // Recoverable from the total: what the shown groups leave over. Also hide when a single group is hidden and
            // could be told apart from the rest.
            if ((hiddenSum <= 0 || hiddenSum >= k) && (hiddenCount == 0 || hiddenCount >= k))
            {
                break;
            }

            hidden.Add(next.Key);
            hiddenSum += next.Value;
            hiddenCount += next.Value;
        }

        return hidden;
    }

    /// <summary>
    /// The keys to hide beside <paramref name="remainder"/> (what is hidden already and recoverable as a published total
    /// minus the shown groups): every group of 1 to k − 1, then the smallest shown groups while the hidden sum is 1 to
    /// k − 1. If none is left, everything is hidden and the total is under k, which analytics hides as well.
    /// </summary>
    public static IReadOnlySet<string> SuppressBeside(IReadOnlyDictionary<string, int> groups, int remainder, int k)
    {
        var hidden = groups.Where(pair => pair.Value > 0 && pair.Value < k).Select(pair => pair.Key).ToHashSet(StringComparer.Ordinal);
        var hiddenSum = remainder + groups.Where(pair => hidden.Contains(pair.Key)).Sum(pair => pair.Value);
        foreach (var next in groups.Where(pair => pair.Value > 0 && !hidden.Contains(pair.Key)).OrderBy(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (hiddenSum <= 0 || hiddenSum >= k)
            {
                break;
            }

            hidden.Add(next.Key);
            hiddenSum += next.Value;
        }

        return hidden;
    }

    private static double? GroupNps(IReadOnlyList<ResponseRow> rows) =>
        Statistics.Nps(rows.Where(row => row.NpsScore is not null).Select(row => row.NpsScore!.Value))?.Score;

    private static double? GroupCsat(IReadOnlyList<ResponseRow> rows) =>
        Statistics.Csat([.. rows.Where(row => row.CsatScore is not null).Select(row => row.CsatScore!.Value)])?.Mean;
}
