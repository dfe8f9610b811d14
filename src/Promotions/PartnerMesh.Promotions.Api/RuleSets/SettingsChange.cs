using System.Text.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Promotions.Api.Common;

namespace PartnerMesh.Promotions.Api.RuleSets;

/// <summary>
/// One change to the project-wide settings (stacking mode, kill switch, stacking limit): what changed from what to what,
/// who, when and why, and the rule-set version it went live with. Appended in the transaction of the change, never updated.
/// </summary>
public sealed class SettingsChange
{
    /// <summary>Version 7: the history reads in time order.</summary>
    public required Guid Id { get; init; }

    public required DateTimeOffset ChangedAt { get; init; }
    public required string ChangedBy { get; init; }
    public string? Reason { get; init; }

    /// <summary>jsonb: the <see cref="SettingChange"/>s.</summary>
    public required string Changes { get; init; }

    public required long RuleSetVersion { get; init; }

    public static string Write(IReadOnlyList<SettingChange> changes) => JsonSerializer.Serialize(changes, PromotionJson.Options);

    public static IReadOnlyList<SettingChange> Read(string json) => JsonSerializer.Deserialize<List<SettingChange>>(json, PromotionJson.Options) ?? [];
}

/// <summary>One setting's old and new value, e.g. <c>{"setting": "killSwitch", "from": false, "to": true}</c>.</summary>
public sealed record SettingChange(string Setting, JsonNode? From, JsonNode? To);

public sealed record SettingsChangeResponse(
    Guid Id, DateTimeOffset ChangedAt, string ChangedBy, string? Reason, IReadOnlyList<SettingChange> Changes, long RuleSetVersion)
{
    public static SettingsChangeResponse From(SettingsChange change) =>
        new(change.Id, change.ChangedAt, change.ChangedBy, change.Reason, SettingsChange.Read(change.Changes), change.RuleSetVersion);
}
