namespace PartnerMesh.ServiceDefaults.Security;

/// <summary>
/// What a service trusts: per issuer (<see cref="ServiceTokenIssuers"/>), its public keys — one, or two while a key is
/// rotated (docs/security.md). Injected by the AppHost as <c>ServiceIdentity__Issuers__gateway__0</c>; public, so no
/// secret reaches a process that only verifies.
/// </summary>
public sealed class ServiceIdentityOptions
{
    public const string SectionName = "ServiceIdentity";

    public Dictionary<string, List<string>> Issuers { get; set; } = new(StringComparer.Ordinal);
}
