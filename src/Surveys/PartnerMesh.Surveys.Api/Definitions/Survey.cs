namespace PartnerMesh.Surveys.Api.Definitions;

/// <summary>A survey definition: its targeting, frequency, schedule and current question version.</summary>
public sealed class Survey
{
    public Guid Id { get; init; }
    public required string Name { get; set; }
    public required string Kind { get; set; }
    public required string Trigger { get; set; }
    /// <summary>For the <c>event</c> trigger: the event name the storefront reports.</summary>
    public string? EventName { get; set; }
    public List<string> Touchpoints { get; set; } = [];
    /// <summary>Only traffic from these partners (any traffic when empty).</summary>
    public List<Guid> PartnerIds { get; set; } = [];
    /// <summary>Only visitors in at least one of these segments (anyone when empty).</summary>
    public List<string> Segments { get; set; } = [];
    /// <summary>0–100: the share of eligible visitors (sticky per visitor) who see it.</summary>
    public decimal SamplingPercent { get; set; } = 100m;
    public required string FrequencyMode { get; set; }
    /// <summary>Minimum time between two showings to one visitor (cooldown mode; optional for until-submitted).</summary>
    public int? CooldownMinutes { get; set; }
    public DateTimeOffset? StartsAt { get; set; }
    public DateTimeOffset? EndsAt { get; set; }
    public bool Paused { get; set; }
    /// <summary>Higher first when several surveys fit.</summary>
    public int Priority { get; set; }
    public int Version { get; set; }
    public string? IdempotencyKey { get; init; }
    public string? RequestHash { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public required string CreatedBy { get; init; }
}

/// <summary>The questions of one version; answers stay tied to the version they answered.</summary>
public sealed class SurveyVersion
{
    public Guid SurveyId { get; init; }
    public int Version { get; init; }
    /// <summary>The questions as JSON (jsonb).</summary>
    public required string Questions { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
