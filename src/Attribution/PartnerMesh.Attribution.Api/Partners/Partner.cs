namespace PartnerMesh.Attribution.Api.Partners;

public sealed class Partner
{
    public Guid Id { get; init; }

    public required string Name { get; init; }

    public required string Email { get; init; }

    /// <summary>Lower-cased email: the unique key, so emails are unique case-insensitively.</summary>
    public required string NormalizedEmail { get; init; }

    public required string Kind { get; init; }

    public decimal CommissionRate { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
