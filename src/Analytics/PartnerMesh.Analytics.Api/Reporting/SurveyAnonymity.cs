namespace PartnerMesh.Analytics.Api.Reporting;

/// <summary>
/// k-anonymity of survey figures for partners, per measure: NPS (<see cref="KpiFigures.NpsResponses"/>,
/// <see cref="KpiFigures.NetPromoterScore"/>) is hidden in a row or total with more than 0 and fewer than k NPS answers;
/// the response count and rate (<see cref="KpiFigures.SurveyResponses"/>, <see cref="KpiFigures.SurveyResponseRate"/>)
/// with fewer than k answers to showings. <see cref="KpiFigures.SurveyFiguresSuppressed"/> tells that something was hidden.
/// </summary>
/// <remarks>
/// The period rows of one dimension value add up to its total, so hiding a single row would leave it recoverable as the
/// total minus the visible rows. Rule: the hidden rows of a breakdown together always hold at least k answers; while they
/// do not, the next smallest visible row with answers is hidden too. When no such row is left, the hidden rows hold all
/// the answers, so the total itself has fewer than k and is hidden.
/// </remarks>
public static class SurveyAnonymity
{
    private static readonly Func<KpiFigures, long>[] Measures = [NpsAnswers, ShowingAnswers];

    public static KpiReport Apply(KpiReport report, int k)
    {
        var hide = report.Rows.Select(_ => new bool[Measures.Length]).ToArray();
        var breakdowns = report.Rows.Select((row, index) => (row, index)).GroupBy(item => (item.row.DimensionValue, item.row.DimensionValue2));
        foreach (var breakdown in breakdowns)
        {
            for (var m = 0; m < Measures.Length; m++)
            {
                var measure = Measures[m];
                var items = breakdown.Select(item => (item.index, answers: measure(item.row.Kpis))).ToList();
                var hidden = items.Where(item => TooFew(item.answers, k)).Select(item => item.index).ToHashSet();
                while (hidden.Count > 0 && TooFew(items.Where(item => hidden.Contains(item.index)).Sum(item => item.answers), k))
                {
                    var next = items.Where(item => !hidden.Contains(item.index) && item.answers > 0).OrderBy(item => item.answers).ToList();
                    if (next.Count == 0)
                    {
                        break;
                    }

                    hidden.Add(next[0].index);
                }

                foreach (var index in hidden)
                {
                    hide[index][m] = true;
                }
            }
        }

        return report with
        {
            Rows = report.Rows.Select((row, index) => row with { Kpis = Hide(row.Kpis, hide[index][0], hide[index][1]) }).ToList(),
            Totals = report.Totals.Select(total => total with { Kpis = Apply(total.Kpis, k) }).ToList(),
        };
    }

    public static KpiFigures Apply(KpiFigures figures, int k) =>
        Hide(figures, TooFew(NpsAnswers(figures), k), TooFew(ShowingAnswers(figures), k));

    private static long NpsAnswers(KpiFigures figures) => figures.NpsResponses ?? 0;

    private static long ShowingAnswers(KpiFigures figures) => figures.SurveyResponses ?? 0;

    private static bool TooFew(long answers, int k) => answers > 0 && answers < k;

    private static KpiFigures Hide(KpiFigures figures, bool nps, bool responses) => !nps && !responses ? figures : figures with
    {
        NpsResponses = nps ? null : figures.NpsResponses,
        NetPromoterScore = nps ? null : figures.NetPromoterScore,
        SurveyResponses = responses ? null : figures.SurveyResponses,
        SurveyResponseRate = responses ? null : figures.SurveyResponseRate,
        SurveyFiguresSuppressed = true,
    };
}
