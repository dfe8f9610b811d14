using System.ComponentModel.DataAnnotations;

namespace PartnerMesh.Surveys.Api.Definitions;

/// <summary>Create or replace a survey. On replace, new questions make a new version; the same questions keep it.</summary>
public sealed record SaveSurveyRequest
{
    [Required]
    public string? Name { get; init; }

    [Required]
    public string? Kind { get; init; }

    public string? Trigger { get; init; }
    public string? EventName { get; init; }
    public IReadOnlyList<string>? Touchpoints { get; init; }
    public IReadOnlyList<Guid>? PartnerIds { get; init; }
    public IReadOnlyList<string>? Segments { get; init; }
    public decimal? SamplingPercent { get; init; }
    public FrequencyRequest? Frequency { get; init; }
    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    public bool? Paused { get; init; }
    public int? Priority { get; init; }
    /// <summary>Exit-intent surveys without questions get the abandonment-reason question.</summary>
    public IReadOnlyList<Question>? Questions { get; init; }
}

public sealed record FrequencyRequest(string? Mode, int? CooldownHours);

public sealed record SurveyView(
    Guid Id,
    string Name,
    string Kind,
    string Trigger,
    string? EventName,
    IReadOnlyList<string> Touchpoints,
    IReadOnlyList<Guid> PartnerIds,
    IReadOnlyList<string> Segments,
    decimal SamplingPercent,
    FrequencyRequest Frequency,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    bool Paused,
    int Priority,
    int Version,
    IReadOnlyList<Question> Questions,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static SurveyView From(Survey survey, IReadOnlyList<Question> questions) => new(
        survey.Id, survey.Name, survey.Kind, survey.Trigger, survey.EventName, survey.Touchpoints, survey.PartnerIds, survey.Segments,
        survey.SamplingPercent, new FrequencyRequest(survey.FrequencyMode, survey.CooldownMinutes is { } minutes ? minutes / 60 : null),
        survey.StartsAt, survey.EndsAt, survey.Paused, survey.Priority, survey.Version, questions, survey.CreatedAt, survey.UpdatedAt);
}


public sealed record SurveyVersionResponse(Guid SurveyId, int Version, IReadOnlyList<Question> Questions, DateTimeOffset CreatedAt);
