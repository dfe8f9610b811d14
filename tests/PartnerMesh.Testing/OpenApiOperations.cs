using System.Text.Json.Nodes;

namespace PartnerMesh.Testing;

/// <summary>One operation of an OpenAPI document, as the committed documents (docs/api/) declare it.</summary>
public sealed record OpenApiOperation(string Method, string Path, JsonObject Node)
{
    public const string PolicyExtension = "x-partnermesh-policy";

    public string? OperationId => Node["operationId"]?.GetValue<string>();

    public string? Summary => Node["summary"]?.GetValue<string>();

    /// <summary>The declared caller policy (anonymous, storefront, admin, partner-or-admin, portal-session), or null.</summary>
    public string? Policy => Node[PolicyExtension]?.GetValue<string>();

    public IReadOnlyList<string> ResponseStatuses => Node["responses"]?.AsObject().Select(response => response.Key).ToList() ?? [];

    public IEnumerable<JsonObject> Parameters(string location) =>
        Node["parameters"]?.AsArray().OfType<JsonObject>().Where(parameter => parameter["in"]?.GetValue<string>() == location) ?? [];

    public bool HasRequestBody => Node["requestBody"] is not null;

    public override string ToString() => $"{Method} {Path} ({OperationId})";
}

/// <summary>Reads the operations of the committed OpenAPI documents.</summary>
public static class OpenApiOperations
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options"];

    public static IEnumerable<OpenApiOperation> Of(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var (path, item) in document["paths"]?.AsObject() ?? [])
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (Methods.Contains(method, StringComparer.Ordinal) && operation is JsonObject node)
                {
                    yield return new OpenApiOperation(method.ToUpperInvariant(), path, node);
                }
            }
        }
    }

    /// <summary>The operations of <c>docs/api/{resourceName}.json</c> in the repository this test runs from.</summary>
    public static IReadOnlyList<OpenApiOperation> Committed(string resourceName) =>
        [.. Of(JsonNode.Parse(File.ReadAllText(CommittedPath(resourceName)))!.AsObject())];

    public static string CommittedPath(string resourceName) => Path.Combine(RepositoryRoot, "docs", "api", resourceName + ".json");

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PartnerMesh.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No PartnerMesh.sln above {AppContext.BaseDirectory}.");
    }
}
