using System.ComponentModel.DataAnnotations;

namespace PartnerMesh.Surveys.Api.Responses;

/// <summary>
/// A response from the storefront: to a showing (<see cref="ImpressionId"/>, whose context it inherits) or, for surveys
/// the storefront shows by itself (an event from code), directly to a survey with its context.
/// </summary>
public sealed record SubmitResponseRequest
{
    public Guid? ImpressionId { get; init; }
    public Guid? SurveyId { get; init; }

    [Required]
    public string? VisitorId { get; init; }

    public string? CustomerId { get; init; }
    public string? OrderId { get; init; }
    public Guid? PartnerId { get; init; }
    public string? CampaignId { get; init; }
    public string? Touchpoint { get; init; }
    public string? TrafficSource { get; init; }
    public IReadOnlyList<string>? Segments { get; init; }

    [Required]
    public IReadOnlyList<Answer>? Answers { get; init; }
}

public sealed record EmailLinkResponseRequest([Required] IReadOnlyList<Answer>? Answers);

/// <summary>A stored response as admins see it. Free text is returned as data (JSON strings), never as markup.</summary>
public sealed record ResponseView(
    Guid Id,
    Guid SurveyId,
    int SurveyVersion,
    string SurveyKind,
    Guid? ImpressionId,
    string VisitorId,
    string? CustomerId,
    string? OrderId,
    Guid? PartnerId,
    string? CampaignId,
    string Touchpoint,
    IReadOnlyList<string> Segments,
    string? TrafficSource,
    int? NpsScore,
    int? CsatScore,
    IReadOnlyList<string> ReasonCodes,
    IReadOnlyList<Answer> Answers,
    DateTimeOffset SubmittedAt)
{
    public static ResponseView From(Submission response) => new(
        response.Id, response.SurveyId, response.SurveyVersion, response.SurveyKind, response.ImpressionId, response.VisitorId,
        response.CustomerId, response.OrderId, response.PartnerId, response.CampaignId, response.Touchpoint, response.Segments,
        response.TrafficSource, response.NpsScore, response.CsatScore, response.ReasonCodes,
        Common.Json.Read<List<Answer>>(response.Answers), response.SubmittedAt);
}

