namespace PartnerMesh.Surveys.Api.Responses;

/// <summary>A stored survey response with its full context (visitor, order, partner, campaign, touchpoint, segments).</summary>
public sealed class Submission
{
    public Guid Id { get; init; }
    public Guid SurveyId { get; init; }
    public int SurveyVersion { get; init; }
    public required string SurveyKind { get; init; }
    public Guid? ImpressionId { get; init; }
    /// <summary>The visitor id when the survey allows one response per visitor (unique per survey), else null.</summary>
    public string? VisitorKey { get; init; }
    /// <summary>The customer id (trimmed, as the frequency record keys it) when the survey allows one response per shopper
    /// and the response names a customer (unique per survey), else null: a customer answers such a survey once, under any visitor id.</summary>
    public string? CustomerKey { get; init; }
    public required string VisitorId { get; init; }
    public string? CustomerId { get; init; }
    public string? OrderId { get; init; }
    public Guid? PartnerId { get; init; }
    public string? CampaignId { get; init; }
    public required string Touchpoint { get; init; }
    public List<string> Segments { get; init; } = [];
    public string? TrafficSource { get; init; }
    public int? NpsScore { get; init; }
    public int? CsatScore { get; init; }
    public List<string> ReasonCodes { get; init; } = [];
    /// <summary>The validated answers as JSON (jsonb).</summary>
    public required string Answers { get; init; }
    /// <summary>All free text of the response (answers and "other" texts), for search; never sent to partners.</summary>
    public required string FreeText { get; init; }
    public string? IdempotencyKey { get; init; }
    public required string RequestHash { get; init; }
    public DateTimeOffset SubmittedAt { get; init; }
}
