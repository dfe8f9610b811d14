using MassTransit;

namespace PartnerMesh.Contracts.Surveys;

/// <summary>
/// A survey was offered to a visitor (the storefront was told to show it). With <see cref="SurveyResponseSubmitted"/>
/// it gives the survey response rate: responses over surveys shown.
/// </summary>
[MessageUrn("partnermesh:surveys:survey-shown:v1")]
public sealed record SurveyShown : IIntegrationEvent
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    /// <summary>The id of this showing; a response to it carries the same id.</summary>
    public required Guid ImpressionId { get; init; }
    public required Guid SurveyId { get; init; }
    public required int SurveyVersion { get; init; }
    /// <summary><c>nps</c>, <c>exit-intent</c>, <c>post-purchase</c>, … (the survey's kind).</summary>
    public required string SurveyKind { get; init; }
    /// <summary><c>exit-intent</c>, <c>post-purchase</c>, <c>email-link</c> or <c>event</c>.</summary>
    public required string Trigger { get; init; }
    /// <summary><c>product</c>, <c>cart</c>, <c>checkout</c>, <c>order</c> or <c>email</c>.</summary>
    public required string Touchpoint { get; init; }
    public required string VisitorId { get; init; }
    public string? CustomerId { get; init; }
    public Guid? PartnerId { get; init; }
    public string? CampaignId { get; init; }
    public string? TrafficSource { get; init; }
}
