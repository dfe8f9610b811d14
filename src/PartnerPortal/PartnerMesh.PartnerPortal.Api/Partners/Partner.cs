namespace PartnerMesh.PartnerPortal.Api.Partners;

/// <summary>A partner as learned from <c>PartnerRegistered</c>: accounts can only be opened for partners known here.</summary>
public sealed class Partner
{
    public Guid Id { get; init; }

    public required string Name { get; set; }

    public required string Kind { get; set; }

    public DateTimeOffset RegisteredAt { get; set; }
}
