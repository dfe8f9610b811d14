using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;

namespace PartnerMesh.Architecture.Tests.OpenApi;

/// <summary>
/// The OpenAPI documents: generated at build into <c>artifacts/openapi/</c> (Microsoft.Extensions.ApiDescription.Server
/// runs each service's entry point), committed under <c>docs/api/</c>. <c>scripts/openapi.sh</c> refreshes the committed
/// ones: it builds, then runs <see cref="OpenApiDocumentTests"/> with <see cref="UpdateVariable"/> set.
/// </summary>
internal static class ApiDocuments
{
    public const string UpdateVariable = "PARTNERMESH_UPDATE_OPENAPI";
    public const string RefreshCommand = "scripts/openapi.sh";
    public const string GatewayPublic = "gateway-public";

    public static readonly string[] Services =
    [
        ResourceNames.AttributionApi,
        ResourceNames.PromotionsApi,
        ResourceNames.CouponsApi,
        ResourceNames.SurveysApi,
        ResourceNames.AnalyticsApi,
        ResourceNames.PartnerPortalApi,
        ResourceNames.Gateway,
    ];

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    public static string RepositoryRoot => OpenApiOperations.RepositoryRoot;

    public static string Committed(string name) => Path.Combine(RepositoryRoot, "docs", "api", name + ".json");

    public static string Generated(string name) => Path.Combine(RepositoryRoot, "artifacts", "openapi", name + ".json");

    public static string Normalize(string json) => json.ReplaceLineEndings("\n").TrimEnd('\n') + "\n";
}
