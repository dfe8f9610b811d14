namespace PartnerMesh.Coupons.Api.Codes;

/// <summary>
/// One code, stored normalised (<see cref="Contracts.Codes.CouponCodeFormat"/>) and unique across campaigns. A code with a
/// <see cref="PartnerId"/> belongs to that partner: its redemptions attribute to it. <see cref="MaxUses"/> caps this code
/// (the campaign's per-code limit when it was created, 1 for personal codes).
/// </summary>
public sealed class CouponCode
{
    public required Guid Id { get; init; }
    public required Guid CampaignId { get; init; }
    public required string Code { get; init; }
    public Guid? PartnerId { get; init; }
    public int? MaxUses { get; init; }

    /// <summary>single (created by hand), bulk (a generation job), personal (issued to one customer), pool (pre-generated
    /// personal), rotation (a leaked code's replacement).</summary>
    public required string Source { get; init; }
    public Guid? GenerationJobId { get; init; }

    /// <summary>Personal codes: only this customer (<see cref="CustomerKeys"/>) may use it.</summary>
    public string? CustomerKey { get; init; }

    /// <summary>A personal code issued to a customer id: the e-mail key known for that customer then, which may use it too.</summary>
    public string? CustomerEmailKey { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the code was issued to <see cref="CustomerKey"/> (a pool code is created long before it is issued).</summary>
    public DateTimeOffset? AssignedAt { get; init; }

    /// <summary>Set when the code was rotated (a leaked partner code replaced by <see cref="ReplacedById"/>): no new use.</summary>
    public DateTimeOffset? RetiredAt { get; init; }
    public Guid? ReplacedById { get; init; }

    /// <summary>Set when the generation job that made the code was cancelled: no new use, ever (a half-made batch never circulates).</summary>
    public DateTimeOffset? DisabledAt { get; init; }
}

public static class CodeSources
{
    public const string Manual = "single";
    public const string Bulk = "bulk";
    public const string Personal = "personal";
    public const string Rotation = "rotation";

    /// <summary>Pre-generated for offers; unusable until issued to a customer.</summary>
    public const string Pool = "pool";
}
