namespace PartnerMesh.Surveys.Api.Partners;

/// <summary>Surveys' copy of a partner registered in attribution, kept for survey targeting.</summary>
public sealed class Partner
{
    public Guid Id { get; init; }

    public required string Name { get; init; }

    public required string Kind { get; init; }

    public DateTimeOffset RegisteredAt { get; init; }
}
