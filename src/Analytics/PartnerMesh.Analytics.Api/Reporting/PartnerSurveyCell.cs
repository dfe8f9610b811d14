namespace PartnerMesh.Analytics.Api.Reporting;

/// <summary>
/// One published survey cell of a partner: one whole week (<see cref="Week"/>, its Monday in the reporting time zone) of
/// the partner's own row (<see cref="Dimension"/> <c>partner</c>) or of one value of a partner pair (<c>partner,campaign</c>
/// and <see cref="DimensionValue2"/> the campaign, ...). Written once, when the week is first published to the partner
/// (every cell of that partner and week in one transaction), and never changed, so what a partner was shown cannot move.
/// A measure hidden by k-anonymity is stored as <c>null</c>; the partner's own cell of a published week always exists
/// (zeros without surveys) and marks the week published.
/// </summary>
public sealed class PartnerSurveyCell
{
    public Guid PartnerId { get; init; }

    public DateOnly Week { get; init; }

    public required string Dimension { get; init; }

    public string DimensionValue2 { get; init; } = "";

    public long SurveysShown { get; init; }

    public long? SurveyResponses { get; init; }

    public long? NpsResponses { get; init; }

    public long? NpsPromoters { get; init; }

    public long? NpsDetractors { get; init; }

    public DateTimeOffset PublishedAt { get; init; }
}
