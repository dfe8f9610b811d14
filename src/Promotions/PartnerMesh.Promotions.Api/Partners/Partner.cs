namespace PartnerMesh.Promotions.Api.Partners;

/// <summary>Promotions' copy of a partner registered in attribution, kept for partner audiences.</summary>
public sealed class Partner
{
    public Guid Id { get; init; }

    public required string Name { get; init; }

    public required string Kind { get; init; }

    public DateTimeOffset RegisteredAt { get; init; }
}
