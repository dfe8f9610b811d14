namespace PartnerMesh.Promotions.Api.Definitions;

/// <summary>
/// One change to a promotion as it happened — an edit or a lifecycle transition — with the state before and after, the
/// version it concerns, who, when and why. Appended in the transaction of the change and never updated: versions keep
/// what a definition said, the history keeps everything that was done with it.
/// </summary>
public sealed class PromotionChange
{
    /// <summary>Version 7: the history reads in time order.</summary>
    public required Guid Id { get; init; }

    public required Guid PromotionId { get; init; }
    public required PromotionChangeAction Action { get; init; }

    /// <summary>Null when the promotion was created.</summary>
    public PromotionState? FromState { get; init; }

    public required PromotionState ToState { get; init; }

    /// <summary>The version the change made (an edit, rollback or rollout step) or acted on (the live one, else the latest).</summary>
    public required int Version { get; init; }

    public required string ChangedBy { get; init; }
    public required DateTimeOffset ChangedAt { get; init; }
    public string? Reason { get; init; }

    /// <summary>The rule-set version the change went live with; null when it did not touch what is live (a draft edit).</summary>
    public long? RuleSetVersion { get; init; }
}

public enum PromotionChangeAction
{
    Created = 0,
    Edited = 1,
    Published = 2,
    Paused = 3,
    Resumed = 4,
    Ended = 5,
    RolledBack = 6,
    RolloutChanged = 7,
}
