using System.Globalization;

namespace PartnerMesh.Surveys.Api.Insights;

public sealed record ResponseRow(
    Guid SurveyId, DateTimeOffset SubmittedAt, Guid? PartnerId, string? CampaignId, string Touchpoint, IReadOnlyList<string> Segments,
    int? NpsScore, int? CsatScore, IReadOnlyList<string> ReasonCodes, bool FromShowing);

public sealed record ShowingRow(Guid SurveyId, DateTimeOffset ShownAt, Guid? PartnerId, string? CampaignId, string Touchpoint, IReadOnlyList<string> Segments);

public sealed record ReasonCount(string Code, int Count, double Share);

public sealed record Figures(int Shown, int Responses, Proportion? ResponseRate, NpsFigure? Nps, CsatFigure? Csat, IReadOnlyList<ReasonCount> Reasons);

public sealed record PeriodFigures(DateOnly Period, Figures Figures);

public sealed record GroupFigures(string Key, Figures Figures);

public sealed record InsightsReport(string Interval, string? GroupBy, Figures Summary, IReadOnlyList<PeriodFigures> Trend, IReadOnlyList<GroupFigures> Groups)
{
    /// <summary>False when more rows matched than a report reads (<see cref="SurveysOptions.InsightsMaxRows"/>): the figures are the newest rows'.</summary>
    public bool Complete { get; init; } = true;
}

public static class Dimensions
{
    public const string Partner = "partner";
    public const string Campaign = "campaign";
    public const string Segment = "segment";
    public const string Touchpoint = "touchpoint";
    public const string Survey = "survey";

    public static readonly IReadOnlySet<string> Admin = new HashSet<string>(StringComparer.Ordinal) { Partner, Campaign, Segment, Touchpoint, Survey };
}

public static class Intervals
{
    public const string Day = "day";
    public const string Week = "week";

    /// <summary>The UTC day, or the Monday of its ISO week.</summary>
    public static DateOnly Start(DateTimeOffset at, string interval)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        return interval == Week ? day.AddDays(-(((int)day.DayOfWeek + 6) % 7)) : day;
    }
}

/// <summary>Admin insights from the filtered rows (pure).</summary>
public static class InsightsCalculator
{
    public static InsightsReport Build(IReadOnlyList<ResponseRow> responses, IReadOnlyList<ShowingRow> showings, string interval, string? groupBy)
    {
        var trend = responses.Select(row => Intervals.Start(row.SubmittedAt, interval))
            .Concat(showings.Select(row => Intervals.Start(row.ShownAt, interval)))
            .Distinct().Order()
            .Select(period => new PeriodFigures(period, Compute(
                [.. responses.Where(row => Intervals.Start(row.SubmittedAt, interval) == period)],
                showings.Count(row => Intervals.Start(row.ShownAt, interval) == period))))
            .ToList();

        var groups = new List<GroupFigures>();
        if (groupBy is not null)
        {
            var keys = responses.SelectMany(row => Keys(row.SurveyId, row.PartnerId, row.CampaignId, row.Touchpoint, row.Segments, groupBy))
                .Concat(showings.SelectMany(row => Keys(row.SurveyId, row.PartnerId, row.CampaignId, row.Touchpoint, row.Segments, groupBy)))
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            groups.AddRange(keys.Select(key => new GroupFigures(key, Compute(
                [.. responses.Where(row => Keys(row.SurveyId, row.PartnerId, row.CampaignId, row.Touchpoint, row.Segments, groupBy).Contains(key))],
                showings.Count(row => Keys(row.SurveyId, row.PartnerId, row.CampaignId, row.Touchpoint, row.Segments, groupBy).Contains(key))))));
        }

        return new InsightsReport(interval, groupBy, Compute(responses, showings.Count), trend, groups);
    }

    public static Figures Compute(IReadOnlyList<ResponseRow> responses, int shown)
    {
        var fromShowings = responses.Count(row => row.FromShowing);
        var withReasons = responses.Where(row => row.ReasonCodes.Count > 0).ToList();
        var reasons = withReasons.SelectMany(row => row.ReasonCodes)
            .GroupBy(code => code, StringComparer.Ordinal)
            .Select(group => new ReasonCount(group.Key, group.Count(), Math.Round(group.Count() / (double)withReasons.Count, 4)))
            .OrderByDescending(reason => reason.Count).ThenBy(reason => reason.Code, StringComparer.Ordinal)
            .ToList();
        return new Figures(
            shown,
            responses.Count,
            Statistics.Wilson(Math.Min(fromShowings, shown), shown),
            Statistics.Nps(responses.Where(row => row.NpsScore is not null).Select(row => row.NpsScore!.Value)),
            Statistics.Csat([.. responses.Where(row => row.CsatScore is not null).Select(row => row.CsatScore!.Value)]),
            reasons);
    }

    /// <summary>The group keys of a row: one per dimension, except segments (a visitor can be in several; counted in each).</summary>
    public static IReadOnlyList<string> Keys(Guid surveyId, Guid? partnerId, string? campaignId, string touchpoint, IReadOnlyList<string> segments, string groupBy) => groupBy switch
    {
        Dimensions.Partner => [partnerId?.ToString() ?? "none"],
        Dimensions.Campaign => [campaignId ?? "none"],
        Dimensions.Segment => segments.Count == 0 ? ["none"] : segments,
        Dimensions.Survey => [surveyId.ToString()],
        _ => [touchpoint],
    };

    public static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
