namespace PartnerMesh.Promotions.Api.Definitions;

/// <summary>A promotion and where its lifecycle stands; its definitions are the immutable <see cref="PromotionVersion"/>s.</summary>
public sealed class Promotion
{
    public required Guid Id { get; init; }
    public required string Name { get; set; }
    public PromotionState State { get; set; }

    /// <summary>The version evaluations use; null until first published.</summary>
    public int? LiveVersion { get; set; }

    public int LatestVersion { get; set; }
    public string? IdempotencyKey { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>PostgreSQL's xmin: concurrent changes to one promotion conflict instead of overwriting each other.</summary>
    public uint RowVersion { get; set; }
}

public enum PromotionState
{
    Draft = 0,
    Published = 1,
    Paused = 2,
    Ended = 3,
}
