using System.ComponentModel.DataAnnotations;
using PartnerMesh.Promotions.Domain.Definitions;

namespace PartnerMesh.Promotions.Api.Definitions;

/// <summary>Create or edit: the definition and, for the history, why.</summary>
public sealed record SavePromotionRequest(PromotionDefinition Definition, string? Reason = null);

/// <summary>A lifecycle change (publish, pause, resume, end) and why.</summary>
public sealed record ChangeRequest(string? Reason = null);

/// <summary>A rollout step: the share of visitors (0–100) who get the live definition.</summary>
public sealed record RolloutRequest([Required] int? Percent, string? Reason = null);

public sealed record RollbackRequest(int Version, string? Reason = null);

public sealed record PromotionResponse(
    Guid Id,
    string Name,
    string Status,
    int? LiveVersion,
    int LatestVersion,
    bool HasUnpublishedChanges,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt,
    PromotionDefinition Definition);

public sealed record PromotionVersionResponse(
    Guid PromotionId, int Version, bool IsLive, string ChangedBy, DateTimeOffset ChangedAt, string? Reason, int? RestoredFrom,
    PromotionDefinition Definition);

/// <summary>One entry of a promotion's history: an edit or a lifecycle transition, from which state to which, the version
/// it made or acted on, who, when, why, and the rule-set version it went live with (null for a draft edit).</summary>
public sealed record PromotionChangeResponse(
    Guid Id, Guid PromotionId, PromotionChangeAction Action, PromotionState? FromState, PromotionState ToState, int Version, string ChangedBy,
    DateTimeOffset ChangedAt, string? Reason, long? RuleSetVersion)
{
    public static PromotionChangeResponse From(PromotionChange change) =>
        new(change.Id, change.PromotionId, change.Action, change.FromState, change.ToState, change.Version, change.ChangedBy, change.ChangedAt,
            change.Reason, change.RuleSetVersion);
}

public sealed record DefinitionChange(string Path, System.Text.Json.Nodes.JsonNode? From, System.Text.Json.Nodes.JsonNode? To);

public sealed record PromotionDiff(Guid PromotionId, int From, int To, IReadOnlyList<DefinitionChange> Changes);

/// <summary>Lifecycle as users see it: a published promotion is scheduled, active or ended by its schedule.</summary>
public static class PromotionStatuses
{
    public const string Draft = "draft";
    public const string Scheduled = "scheduled";
    public const string Active = "active";
    public const string Paused = "paused";
    public const string Ended = "ended";

    public static string Of(PromotionState state, Schedule? liveSchedule, DateTimeOffset now) => state switch
    {
        PromotionState.Draft => Draft,
        PromotionState.Paused => Paused,
        PromotionState.Ended => Ended,
        _ when liveSchedule?.StartsAt > now => Scheduled,
        _ when liveSchedule?.EndsAt <= now => Ended,
        _ => Active,
    };
}
