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
/// ISO week — that is the same whatever range is asked, so two overlapping queries only ever show the same cells. A cell
/// under k responses is suppressed entirely, and totals add up shown cells only, so "total minus the rest" never
/// isolates it. Inside a shown cell, breakdowns (touchpoints, reason codes) suppress groups under k and, when the
/// suppressed groups would add up to between 1 and k − 1 (cell total minus the shown groups), also the smallest shown
/// groups until they add up to 0 or at least k (complementary suppression). Free text never leaves the service.
/// </summary>
public static class PartnerInsights
{
    public const string ByTouchpoint = "touchpoint";

    public static PartnerInsightsReport Build(
        Guid partnerId, IReadOnlyList<ResponseRow> responses, IReadOnlyList<ShowingRow> showings, int k, DateOnly from, DateOnly to, string? by)
    {
        var cells = responses.Select(row => (row.SurveyId, Week: Intervals.Start(row.SubmittedAt, Intervals.Week)))
            .Concat(showings.Select(row => (row.SurveyId, Week: Intervals.Start(row.ShownAt, Intervals.Week))))
            .Distinct()
            .OrderBy(cell => cell.Week).ThenBy(cell => cell.SurveyId)
            .Select(cell => Cell(
                cell.SurveyId, cell.Week,
                [.. responses.Where(row => row.SurveyId == cell.SurveyId && Intervals.Start(row.SubmittedAt, Intervals.Week) == cell.Week)],
                showings.Count(row => row.SurveyId == cell.SurveyId && Intervals.Start(row.ShownAt, Intervals.Week) == cell.Week),
                k, by))
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

    private static (Guid SurveyId, DateOnly Week) CellOf(ResponseRow row) => (row.SurveyId, Intervals.Start(row.SubmittedAt, Intervals.Week));

    private static HashSet<(Guid SurveyId, DateOnly Week)> CellsWhere(IEnumerable<PartnerCell> cells, Func<PartnerCell, bool> predicate) =>
        [.. cells.Where(predicate).Select(cell => (cell.SurveyId, cell.WeekStart))];

    private static PartnerCell Cell(Guid surveyId, DateOnly week, IReadOnlyList<ResponseRow> rows, int shown, int k, string? by)
    {
        if (rows.Count < k)
        {
            return new PartnerCell(surveyId, week, true, null, null, null, null, [], []);
        }

        var nps = Statistics.Nps(rows.Where(row => row.NpsScore is not null).Select(row => row.NpsScore!.Value));
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

        var groups = new List<PartnerGroup>();
        if (by == ByTouchpoint)
        {
            var byTouchpoint = rows.GroupBy(row => row.Touchpoint, StringComparer.Ordinal).ToDictionary(group => group.Key, group => group.ToList(), StringComparer.Ordinal);
            var hidden = Suppress(byTouchpoint.ToDictionary(pair => pair.Key, pair => pair.Value.Count, StringComparer.Ordinal), rows.Count, k);
            var shownGroups = byTouchpoint.Where(pair => !hidden.Contains(pair.Key)).ToDictionary(StringComparer.Ordinal);
            // Group scores get the same complementary suppression against the cell's score: the cell's NPS answers outside
            // the groups showing an NPS are 0 or at least k (likewise CSAT).
            var npsCounts = shownGroups.ToDictionary(pair => pair.Key, pair => pair.Value.Count(row => row.NpsScore is not null), StringComparer.Ordinal);
            var csatCounts = shownGroups.ToDictionary(pair => pair.Key, pair => pair.Value.Count(row => row.CsatScore is not null), StringComparer.Ordinal);
            var hiddenNps = Suppress(npsCounts, nps?.Responses ?? npsCounts.Values.Sum(), k);
            var hiddenCsat = Suppress(csatCounts, csat?.Responses ?? csatCounts.Values.Sum(), k);
            groups.AddRange(byTouchpoint.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => hidden.Contains(pair.Key)
                ? new PartnerGroup(pair.Key, true, null, null, null)
                : new PartnerGroup(pair.Key, false, pair.Value.Count,
                    hiddenNps.Contains(pair.Key) ? null : GroupNps(pair.Value),
                    hiddenCsat.Contains(pair.Key) ? null : GroupCsat(pair.Value))));
        }

        return new PartnerCell(surveyId, week, false, shown, rows.Count, nps, csat, reasons, groups);
    }

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

    private static double? GroupNps(IReadOnlyList<ResponseRow> rows) =>
        Statistics.Nps(rows.Where(row => row.NpsScore is not null).Select(row => row.NpsScore!.Value))?.Score;

    private static double? GroupCsat(IReadOnlyList<ResponseRow> rows) =>
        Statistics.Csat([.. rows.Where(row => row.CsatScore is not null).Select(row => row.CsatScore!.Value)])?.Mean;
}
