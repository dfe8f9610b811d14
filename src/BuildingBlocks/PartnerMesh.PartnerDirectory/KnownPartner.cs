namespace PartnerMesh.PartnerDirectory;

/// <summary>
/// A service's local copy of a partner that attribution (the owner of partners) registered, learned from
/// <c>PartnerRegistered</c>. Services keep it so they can validate and name partners without calling attribution.
/// </summary>
public sealed class KnownPartner
{
    public Guid Id { get; init; }

    public required string Name { get; init; }

    public required string Kind { get; init; }

    public DateTimeOffset RegisteredAt { get; init; }
}
