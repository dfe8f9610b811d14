namespace PartnerMesh.Attribution.Api.Links;

public sealed class ReferralLink
{
    public Guid Id { get; init; }

    public Guid PartnerId { get; init; }

    public required string Code { get; init; }

    public required string TargetUrl { get; set; }

    public bool Active { get; set; } = true;

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}
