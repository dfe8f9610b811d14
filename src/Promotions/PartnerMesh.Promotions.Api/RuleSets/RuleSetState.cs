using PartnerMesh.Promotions.Domain.Definitions;

namespace PartnerMesh.Promotions.Api.RuleSets;

/// <summary>The single row every instance watches: any change to what is live bumps <see cref="Version"/>.</summary>
public sealed class RuleSetState
{
    public const int SingletonId = 1;

    public int Id { get; init; } = SingletonId;
    public long Version { get; set; }
    public StackingMode StackingMode { get; set; }
    public bool KillSwitch { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
}
