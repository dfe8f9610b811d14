namespace PartnerMesh.Promotions.Api.Definitions;

/// <summary>One immutable version of a promotion: its definition as JSON and who changed it, when and why.</summary>
public sealed class PromotionVersion
{
    public required Guid PromotionId { get; init; }
    public required int Version { get; init; }
    public required string Definition { get; init; }
    public required string ChangedBy { get; init; }
    public required DateTimeOffset ChangedAt { get; init; }
    public string? Reason { get; init; }

    /// <summary>The version this one copies, for a rollback.</summary>
    public int? RestoredFrom { get; init; }
}
