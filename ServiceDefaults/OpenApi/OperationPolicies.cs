using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.ServiceDefaults.OpenApi;

/// <summary>
/// Who may call an operation, as each OpenAPI operation declares it in <see cref="ExtensionName"/>: read from the
/// endpoint's authorization metadata when the document is generated, so it cannot drift from what the service enforces.
/// The authorization matrix test reads it back from the committed documents.
/// </summary>
public static class OperationPolicies
{
    public const string ExtensionName = "x-partnermesh-policy";

    /// <summary>No credentials needed (<c>AllowAnonymous</c>).</summary>
    public const string Anonymous = "anonymous";

    /// <summary>A storefront or admin caller.</summary>
    public const string Storefront = "storefront";

    /// <summary>An admin caller only.</summary>
    public const string Admin = "admin";

    /// <summary>A partner (for its own data only) or an admin.</summary>
    public const string PartnerOrAdmin = "partner-or-admin";

    /// <summary>A partner, for its own data only (admins are refused: they have their own routes).</summary>
    public const string Partner = "partner";

    /// <summary>A partner signed in to the portal (its session cookie).</summary>
    public const string PortalSession = "portal-session";

    public static IReadOnlyList<string> All { get; } = [Anonymous, Storefront, Admin, PartnerOrAdmin, Partner, PortalSession];

    /// <summary>The authorization policies of ServiceDefaults; a host adds its own in <see cref="PartnerMeshOpenApiOptions"/>.</summary>
    internal static IEnumerable<KeyValuePair<string, string>> ServiceDefaultsPolicies { get; } =
    [
        new(PartnerMeshPolicies.Storefront, Storefront),
        new(PartnerMeshPolicies.Admin, Admin),
        new(PartnerMeshPolicies.PartnerOrAdmin, PartnerOrAdmin),
    ];

    /// <summary>
    /// The one policy that the given authorization policies add up to (an endpoint must satisfy all of them), or null
    /// when they do not map to exactly one (an unknown policy name, or none at all: only the fallback policy applies).
    /// </summary>
    public static string? Combine(IReadOnlyCollection<string> policies)
    {
        var distinct = policies.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 0 || distinct.Contains(Anonymous))
        {
            return null;
        }

        if (distinct.Count == 1)
        {
            return distinct[0];
        }

        if (distinct.Contains(PortalSession))
        {
            return null;
        }

        // Partner narrows partner-or-admin; with any other it admits nobody (an error to flag, not a policy).
        if (distinct.Contains(Partner))
        {
            return distinct.All(policy => policy is Partner or PartnerOrAdmin) ? Partner : null;
        }

        // Admin satisfies every other service-token policy, and only admin satisfies two different ones at once.
        return Admin;
    }
}
