namespace PartnerMesh.Promotions.Domain.Evaluation;

/// <summary>A promotion the caller found unavailable (a budget or usage cap, a refused coupon): the reason code to report
/// and, when the caller knows it, a readable detail (which cap refused).</summary>
public sealed record Exclusion(string Reason, string? Detail = null);
