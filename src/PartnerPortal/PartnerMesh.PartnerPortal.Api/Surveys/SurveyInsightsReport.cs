namespace PartnerMesh.PartnerPortal.Api.Surveys;

/// <summary>
/// The portal's reading of surveys-api's partner insights (its own copy: services share no projects). Every figure is
/// already k-anonymous when it arrives: a suppressed cell or group carries no numbers, and there is no free text.
/// </summary>
public sealed record SurveyInsightsReport(
    Guid PartnerId, int MinimumGroupSize, string Bucket, DateOnly From, DateOnly To, string? By,
    IReadOnlyList<SurveyInsightsCell> Cells, SurveyInsightsTotals Totals, IReadOnlyList<SurveyInsightsSurvey> Surveys)
{
    /// <summary>The last day of the last ended week (UTC): later days are not published yet.</summary>
    public DateOnly? PublishedThrough { get; init; }
}

public sealed record SurveyInsightsSurvey(Guid Id, string Name, string Kind);

/// <summary>One survey in one ISO week (<see cref="WeekStart"/> is its Monday); suppressed: fewer than k responses.</summary>
public sealed record SurveyInsightsCell(
    Guid SurveyId, DateOnly WeekStart, bool Suppressed, int? Shown, int? Responses, NpsInsight? Nps, CsatInsight? Csat,
    IReadOnlyList<ReasonInsight> Reasons, IReadOnlyList<GroupInsight> Groups);

/// <summary>Totals over the cells that are shown.</summary>
public sealed record SurveyInsightsTotals(int Shown, int Responses, NpsInsight? Nps, CsatInsight? Csat);

/// <summary>NPS −100…100 with its 95 % interval.</summary>
public sealed record NpsInsight(int Responses, int Promoters, int Passives, int Detractors, double Score, double Low, double High);

/// <summary>CSAT mean 1–5 with its 95 % interval, and the satisfied share (4–5).</summary>
public sealed record CsatInsight(int Responses, double Mean, double MeanLow, double MeanHigh, ShareInsight Satisfied);

public sealed record ShareInsight(int Successes, int Total, double Value, double Low, double High);

/// <summary>A reason code's count in a cell; no count when fewer than k shoppers (or complementary suppression) hide it.</summary>
public sealed record ReasonInsight(string Code, int? Count, bool Suppressed);

public sealed record GroupInsight(string Key, bool Suppressed, int? Responses, double? Nps, double? CsatMean);
