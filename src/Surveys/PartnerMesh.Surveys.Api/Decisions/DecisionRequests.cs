using System.ComponentModel.DataAnnotations;
using PartnerMesh.Surveys.Api.Definitions;

namespace PartnerMesh.Surveys.Api.Decisions;

/// <summary>"Which survey, if any, now?" from a storefront back end: where the visitor is, what fired, who they are and
/// where they came from (the storefront passes the visitor's segments).</summary>
public sealed record DecisionRequest
{
    [Required]
    public string? VisitorId { get; init; }

    public string? CustomerId { get; init; }
    /// <summary>Used only for the shared recontact record (hashed there), never stored by surveys.</summary>
    public string? Email { get; init; }

    [Required]
    public string? Touchpoint { get; init; }

    [Required]
    public string? Trigger { get; init; }

    public string? EventName { get; init; }
    public string? OrderId { get; init; }
    public Guid? PartnerId { get; init; }
    public string? CampaignId { get; init; }
    public string? TrafficSource { get; init; }
    public IReadOnlyList<string>? Segments { get; init; }
}

public sealed record ShownSurvey(Guid Id, int Version, string Kind, string Name, IReadOnlyList<Question> Questions);

/// <summary>
/// The decision: <see cref="Show"/> with the survey and the impression to answer, or the <see cref="Reason"/> nothing is
/// shown (<c>no-eligible-survey</c>, <c>frequency</c>, <c>global-cooldown</c>, <c>frequency-record-unavailable</c>).
/// </summary>
public sealed record DecisionResponse(bool Show, string? Reason, Guid? ImpressionId, ShownSurvey? Survey, DateTimeOffset? RetryAfter = null);

public static class DecisionReasons
{
    public const string Shown = "shown";
    public const string NoEligibleSurvey = "no-eligible-survey";
    public const string Frequency = "frequency";
    public const string GlobalCooldown = "global-cooldown";
    public const string RecordUnavailable = "frequency-record-unavailable";
    public const string StoreUnavailable = "store-unavailable";

    /// <summary>Not a reason but a metric result: a decision retried under its <c>Idempotency-Key</c>, answered with the stored showing.</summary>
    public const string Replayed = "replayed";
}
