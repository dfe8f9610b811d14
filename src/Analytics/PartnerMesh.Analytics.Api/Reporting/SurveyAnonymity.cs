using PartnerMesh.Analytics.Api.Aggregation;
using PartnerMesh.Analytics.Api.Kpis;

namespace PartnerMesh.Analytics.Api.Reporting;

/// <summary>A week's survey counters of a partner (<see cref="Dimensions.Partner"/>) or of one value of a partner pair.</summary>
public sealed record SurveySums(
    string Dimension, string DimensionValue2, DateOnly Week, long SurveysShown, long SurveyResponses, long NpsResponses, long NpsPromoters, long NpsDetractors);

/// <summary>
/// k-anonymity of the survey figures partners see, per measure: NPS (answers with a score) and responses to showings
/// (the response count and rate). Showings are not answers and are never hidden. Partners see these figures only in
/// weekly cells (<see cref="PartnerSurveyCells"/>); period rows carry none (<see cref="Withhold"/>), and totals add up
/// shown cells only (<see cref="WithCells"/>), so a difference of two totals is always a sum of shown cells.
/// </summary>
public static class SurveyAnonymity
{
    public static bool TooFew(long answers, int k) => answers > 0 && answers < k;

    /// <summary>
    /// Which groups of a breakdown to hide: those with 1 to k − 1 answers and, while the hidden answers (with
    /// <paramref name="remainder"/>, the answers in no group, which are never shown) add up to 1 to k − 1 — recoverable as
    /// the total minus the shown groups — the smallest shown group too. If none is left, everything is hidden and the
    /// total has fewer than k answers, so it is hidden as well.
    /// </summary>
    public static bool[] Suppress(IReadOnlyList<long> groups, long remainder, int k)
    {
        var hidden = groups.Select(answers => TooFew(answers, k)).ToArray();
        while (TooFew(remainder + groups.Where((_, index) => hidden[index]).Sum(), k))
        {
            var next = -1;
            for (var index = 0; index < groups.Count; index++)
            {
                if (!hidden[index] && groups[index] > 0 && (next < 0 || groups[index] < groups[next]))
                {
                    next = index;
                }
            }

            if (next < 0)
            {
                break;
            }

            hidden[next] = true;
        }

        return hidden;
    }

    /// <summary>
    /// The cells of one partner and week, from its counters: its own cell, hidden per measure under k, and for each pair
    /// dimension the values' cells, hidden against the partner's own cell (<see cref="Suppress"/>; the answers without a
    /// value of that dimension are the never-shown remainder).
    /// </summary>
    public static List<PartnerSurveyCell> Cells(Guid partner, DateOnly week, IReadOnlyCollection<SurveySums> sums, int k, DateTimeOffset now)
    {
        var own = sums.FirstOrDefault(sum => sum.Dimension == Dimensions.Partner) ?? new SurveySums(Dimensions.Partner, "", week, 0, 0, 0, 0, 0);
        var cells = new List<PartnerSurveyCell> { Cell(partner, week, own, TooFew(own.SurveyResponses, k), TooFew(own.NpsResponses, k), now) };
        foreach (var breakdown in sums.Where(sum => sum.Dimension != Dimensions.Partner).GroupBy(sum => sum.Dimension, StringComparer.Ordinal))
        {
            var groups = breakdown.OrderBy(sum => sum.DimensionValue2, StringComparer.Ordinal).ToList();
            var responses = Suppress([.. groups.Select(sum => sum.SurveyResponses)], Math.Max(0, own.SurveyResponses - groups.Sum(sum => sum.SurveyResponses)), k);
            var nps = Suppress([.. groups.Select(sum => sum.NpsResponses)], Math.Max(0, own.NpsResponses - groups.Sum(sum => sum.NpsResponses)), k);
            cells.AddRange(groups.Select((sum, index) => Cell(partner, week, sum, responses[index], nps[index], now)));
        }

        return cells;
    }

    private static readonly KpiFigures NoActivity = Withhold(KpiFigureBuilder.Build([]));

    /// <summary>Whether withheld figures (<see cref="Withhold"/>) count nothing: what they came from was surveys alone.</summary>
    public static bool IsEmpty(KpiFigures withheld) => withheld.Sales.Count == 0 && withheld with { Sales = NoActivity.Sales } == NoActivity;

    /// <summary>A period row as partners get it: no survey figures at all (days and hours are never publication cells).</summary>
    public static KpiFigures Withhold(KpiFigures figures) => figures with
    {
        SurveysShown = null,
        SurveyResponses = null,
        SurveyResponseRate = null,
        NpsResponses = null,
        NetPromoterScore = null,
        SurveyFiguresSuppressed = true,
    };

    /// <summary>
    /// A total's survey figures from weekly cells: showings of every cell; responses (and their rate, over the showings of
    /// the same cells) of the cells showing them; NPS of the cells showing it. A measure no cell shows (none published
    /// yet, or hidden in each) is <c>null</c>. <see cref="KpiFigures.SurveyFiguresSuppressed"/> when a cell hid something
    /// or <paramref name="incomplete"/> (weeks of the range not published yet).
    /// </summary>
    public static KpiFigures WithCells(KpiFigures figures, IReadOnlyCollection<PartnerSurveyCell> cells, bool incomplete)
    {
        var responseCells = cells.Where(cell => cell.SurveyResponses is not null).ToList();
        var npsCells = cells.Where(cell => cell.NpsResponses is not null).ToList();
        long? responses = responseCells.Count == 0 ? null : responseCells.Sum(cell => cell.SurveyResponses!.Value);
        long? npsResponses = npsCells.Count == 0 ? null : npsCells.Sum(cell => cell.NpsResponses!.Value);
        return figures with
        {
            SurveysShown = cells.Count == 0 ? null : cells.Sum(cell => cell.SurveysShown),
            SurveyResponses = responses,
            SurveyResponseRate = responses is { } answered ? KpiRates.Ratio(answered, responseCells.Sum(cell => cell.SurveysShown)) : null,
            NpsResponses = npsResponses,
            NetPromoterScore = npsResponses is { } scored
                ? KpiRates.NetPromoterScore(npsCells.Sum(cell => cell.NpsPromoters ?? 0), npsCells.Sum(cell => cell.NpsDetractors ?? 0), scored)
                : null,
            SurveyFiguresSuppressed = responseCells.Count < cells.Count || npsCells.Count < cells.Count || incomplete,
        };
    }

    public static SurveyWeekCell ToResponse(PartnerSurveyCell cell, bool final) => new(
        cell.Week,
        cell.PartnerId.ToString(),
        cell.Dimension == Dimensions.Partner ? null : cell.DimensionValue2,
        cell.SurveysShown,
        cell.SurveyResponses,
        cell.SurveyResponses is { } responses ? KpiRates.Ratio(responses, cell.SurveysShown) : null,
        cell.NpsResponses,
        cell.NpsResponses is { } answers ? KpiRates.NetPromoterScore(cell.NpsPromoters ?? 0, cell.NpsDetractors ?? 0, answers) : null,
        cell.SurveyResponses is null || cell.NpsResponses is null,
        final);

    private static PartnerSurveyCell Cell(Guid partner, DateOnly week, SurveySums sum, bool hideResponses, bool hideNps, DateTimeOffset now) => new()
    {
        PartnerId = partner,
        Week = week,
        Dimension = sum.Dimension,
        DimensionValue2 = sum.DimensionValue2,
        SurveysShown = sum.SurveysShown,
        SurveyResponses = hideResponses ? null : sum.SurveyResponses,
        NpsResponses = hideNps ? null : sum.NpsResponses,
        NpsPromoters = hideNps ? null : sum.NpsPromoters,
        NpsDetractors = hideNps ? null : sum.NpsDetractors,
        PublishedAt = now,
    };
}
