namespace PartnerMesh.Analytics.Api.Partners;

/// <summary>A partner as learned from <c>PartnerRegistered</c>; gives the KPIs a name.</summary>
public sealed class Partner
{
    public Guid Id { get; init; }

    public required string Name { get; set; }

    public required string Kind { get; set; }

    public DateTimeOffset RegisteredAt { get; set; }
}
