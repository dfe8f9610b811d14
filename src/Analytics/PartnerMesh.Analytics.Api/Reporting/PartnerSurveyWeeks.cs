namespace PartnerMesh.Analytics.Api.Reporting;

/// <summary>
/// The survey figures a partner may see for a report's range (<see cref="PartnerSurveyCells"/>): fixed cells of whole
/// weeks, Monday to Sunday in the reporting time zone. <see cref="From"/> and <see cref="To"/> are the range widened to
/// whole weeks (a cell is never cut by a range); <see cref="PublishedThrough"/> the last day of the weeks published so
/// far (later weeks have no cells yet, unless <see cref="Live"/>); <see cref="MinimumResponses"/> is k.
/// </summary>
public sealed record PartnerSurveyWeeks(
    DateOnly From,
    DateOnly To,
    DateOnly PublishedThrough,
    int MinimumResponses,
    IReadOnlyList<SurveyWeekCell> Cells,
    bool Live = false);

/// <summary>
/// One week's survey figures of the partner (<see cref="DimensionValue"/>), or of one value of a pair with it
/// (<see cref="DimensionValue2"/>). A measure answered by 1 to k − 1 shoppers, or hidden so that a hidden group cannot be
/// recovered from the others, is <c>null</c> with <see cref="Suppressed"/>. <see cref="Final"/>: published, it never
/// changes; <c>false</c> only for the current week when <c>Analytics:PartnerSurveys:EndedWeeksOnly</c> is off.
/// </summary>
public sealed record SurveyWeekCell(
    DateOnly Week,
    string DimensionValue,
    string? DimensionValue2,
    long SurveysShown,
    long? SurveyResponses,
    decimal? SurveyResponseRate,
    long? NpsResponses,
    decimal? NetPromoterScore,
    bool Suppressed,
    bool Final = true);
