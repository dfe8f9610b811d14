namespace PartnerMesh.ServiceDefaults.OpenApi;

/// <summary>What a host adds to the shared OpenAPI conventions (<see cref="PartnerMeshOpenApi"/>).</summary>
public sealed class PartnerMeshOpenApiOptions
{
    /// <summary>Authorization policy name → <see cref="OperationPolicies"/> value, for the host's own policies.</summary>
    public IDictionary<string, string> Policies { get; } =
        new Dictionary<string, string>(OperationPolicies.ServiceDefaultsPolicies, StringComparer.Ordinal);

    /// <summary>Error statuses every operation of the host can answer (e.g. the gateway's 429), beside the inferred ones.</summary>
    public ISet<int> CommonErrors { get; } = new SortedSet<int>();

    /// <summary>The portal's session cookie, for <see cref="OperationPolicies.PortalSession"/> operations.</summary>
    public string? SessionCookieName { get; set; }
}
