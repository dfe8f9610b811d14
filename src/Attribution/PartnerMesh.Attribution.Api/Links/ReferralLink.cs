namespace PartnerMesh.Attribution.Api.Links;

public sealed class ReferralLink
{
    public Guid Id { get; init; }

    public Guid PartnerId { get; init; }

    public required string Code { get; init; }

    public required string TargetUrl { get; set; }

    public bool Active { get; set; } = true;

    public string? IdempotencyKey { get; init; }

    /// <summary>What the creating request said (<see cref="ServiceDefaults.WebApi.IdempotencyKeys.Fingerprint"/>): the key's retries must say the same.</summary>
    public string? IdempotencyFingerprint { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}
