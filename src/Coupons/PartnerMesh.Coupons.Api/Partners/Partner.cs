namespace PartnerMesh.Coupons.Api.Partners;

/// <summary>Coupons' copy of a partner registered in attribution, kept for partner codes.</summary>
public sealed class Partner
{
    public Guid Id { get; init; }

    public required string Name { get; init; }

    public required string Kind { get; init; }

    public DateTimeOffset RegisteredAt { get; init; }
}
