namespace PartnerMesh.Promotions.Api.Experiments;

/// <summary>
/// An experiment over promotions: <see cref="Variants"/> (jsonb: key, promotion id or null for a control, weight) split
/// the visitors outside the holdout. Draft → running → stopped or completed (a winner promoted).
/// </summary>
public sealed class Experiment
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public required string Status { get; set; }
    public required string Variants { get; init; }
    public int HoldoutPercent { get; init; }
    public Guid? PartnerId { get; init; }
    public string? Winner { get; set; }
    public string? IdempotencyKey { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
}

public static class ExperimentStatuses
{
    public const string Draft = "draft";
    public const string Running = "running";
    public const string Stopped = "stopped";
    public const string Completed = "completed";
}

/// <summary>One visitor's first exposure to an experiment, and whether they have ordered since.</summary>
public sealed class ExperimentExposureRecord
{
    public required Guid ExperimentId { get; init; }
    public required string StickyId { get; init; }
    public required string Variant { get; init; }
    public required DateTimeOffset ExposedAt { get; init; }
    public DateTimeOffset? ConvertedAt { get; init; }
}

/// <summary>
/// A variant's counts, kept incrementally, in every currency: exposed visitors, converted visitors and their orders. Money
/// is never added up across currencies: it is kept per currency in <see cref="ExperimentVariantSales"/>.
/// </summary>
public sealed class ExperimentVariantStats
{
    public required Guid ExperimentId { get; init; }
    public required string Variant { get; init; }
    public long Exposures { get; init; }
    public long Conversions { get; init; }
    public long Orders { get; init; }
}
