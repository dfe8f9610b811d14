namespace PartnerMesh.Surveys.Api.Responses;

/// <summary>One showing of a survey (a "show" decision or an email link issued), with the context a response inherits.</summary>
public sealed class Impression
{
    public Guid Id { get; init; }
    public Guid SurveyId { get; init; }
    public int SurveyVersion { get; init; }
    public required string SurveyKind { get; init; }
    public required string Trigger { get; init; }
    public required string Touchpoint { get; init; }
    public required string VisitorId { get; init; }
    public string? CustomerId { get; init; }
    public string? OrderId { get; init; }
    public Guid? PartnerId { get; init; }
    public string? CampaignId { get; init; }
    public string? TrafficSource { get; init; }
    public List<string> Segments { get; init; } = [];
    public DateTimeOffset ShownAt { get; init; }
    /// <summary>Email links only: after this, the link no longer takes a response.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>
    /// The <c>Idempotency-Key</c> an email link was issued with, or a decision asked with (unique across both), and a hash
    /// of that request.
    /// </summary>
    public string? IdempotencyKey { get; init; }
    public string? RequestHash { get; init; }
}
