using PartnerMesh.Coupons.Api.Codes;

namespace PartnerMesh.Coupons.Api.Generation;

/// <summary>
/// A bulk generation of <see cref="Count"/> codes from a pattern, run in the background. <see cref="Generated"/> is
/// updated in the same transaction as each batch of codes, so it is always the number of codes the job has made and a
/// job taken over after a crash resumes where it stopped. A cancelled job keeps its codes, disabled
/// (<see cref="CouponCode.DisabledAt"/>).
/// </summary>
public sealed class GenerationJob
{
    public required Guid Id { get; init; }
    public required Guid CampaignId { get; init; }
    public required string Pattern { get; init; }
    public string Prefix { get; init; } = "";
    public string Suffix { get; init; } = "";
    public required int Count { get; init; }

    /// <summary><see cref="CodeSources.Bulk"/> (an admin's job) or <see cref="CodeSources.Pool"/> (an offer pool's replenishment).</summary>
    public string Kind { get; init; } = CodeSources.Bulk;
    public int Generated { get; set; }
    public Guid? PartnerId { get; init; }
    public int? MaxUsesPerCode { get; init; }
    public required string Status { get; set; }
    public string? Error { get; set; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? HeartbeatAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? CancelledBy { get; set; }
}

public static class GenerationStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";

    /// <summary>Stopped by an admin: the worker stops before its next batch, and the codes made are disabled.</summary>
    public const string Cancelled = "cancelled";
}
