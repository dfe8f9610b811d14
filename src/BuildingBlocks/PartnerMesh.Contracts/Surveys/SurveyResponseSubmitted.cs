using MassTransit;

namespace PartnerMesh.Contracts.Surveys;

/// <summary>
/// A visitor answered a survey (once: a resubmission publishes nothing). Carries the scores and reason codes analytics
/// needs for NPS, CSAT and abandonment reasons, and the context that joins the answer to attribution. Never free text:
/// that stays in the surveys service.
/// </summary>
[MessageUrn("partnermesh:surveys:survey-response-submitted:v1")]
public sealed record SurveyResponseSubmitted : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid ResponseId { get; init; }
    public required Guid SurveyId { get; init; }
    public required int SurveyVersion { get; init; }
    public required string SurveyKind { get; init; }
    public required string Touchpoint { get; init; }
    public required string VisitorId { get; init; }
    /// <summary>The showing answered, when the response came from one (email-link responses may have none).</summary>
    public Guid? ImpressionId { get; init; }
    public string? CustomerId { get; init; }
    public string? OrderId { get; init; }
    public Guid? PartnerId { get; init; }
    public string? CampaignId { get; init; }
    public string? TrafficSource { get; init; }
    /// <summary>The answer to the survey's NPS question (0–10), if it has one and it was answered.</summary>
    public int? NpsScore { get; init; }
    /// <summary>The answer to the survey's CSAT question (1–5), if it has one and it was answered.</summary>
    public int? CsatScore { get; init; }
    /// <summary>
    /// The codes picked in the survey's reason question (the choice question with id <c>reason</c>, e.g. abandonment
    /// reasons such as <c>extra-costs</c>, and <c>other</c>); other choice questions are not reasons. Empty when none.
    /// </summary>
    public required IReadOnlyList<string> ReasonCodes { get; init; }
}
