using System.Text.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Architecture.Tests.OpenApi;

/// <summary>
/// What every committed OpenAPI document (docs/api/, gateway-public.json included) must say, whatever the service: the
/// conventions of docs/api.md that a reader of the document relies on.
/// </summary>
public sealed class OpenApiConventionTests
{
    public static TheoryData<string> Documents => new([.. ApiDocuments.Services, ApiDocuments.GatewayPublic]);

    /// <summary>A keyed creating POST answers 409 to the key with another request, so it declares it — unless nothing can
    /// differ: no body and no path parameter (the payout batch).</summary>
    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryKeyedPost_Declares409(string document)
    {
        var keyed = OpenApiOperations.Committed(document)
            .Where(operation => operation.Method == "POST" && operation.Parameters("header").Any(parameter => parameter["name"]?.GetValue<string>() == "Idempotency-Key"))
            .Where(operation => operation.HasRequestBody || operation.Parameters("path").Any())
            .ToList();

        Assert.NotEmpty(keyed);
        Assert.All(keyed, operation => Assert.True(operation.ResponseStatuses.Contains("409"), $"{operation} takes an Idempotency-Key but declares no 409."));
    }

    /// <summary>Real problems carry extension members (<c>traceId</c>, <c>reason</c>, <c>errors</c>): no problem schema
    /// may refuse them.</summary>
    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryProblemSchema_AllowsExtensionMembers(string document)
    {
        var schemas = JsonNode.Parse(File.ReadAllText(ApiDocuments.Committed(document)))!["components"]!["schemas"]!.AsObject()
            .Where(schema => schema.Key.EndsWith("ProblemDetails", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(schemas);
        Assert.All(schemas, schema => Assert.False(
            schema.Value!["additionalProperties"] is JsonValue closed && closed.GetValueKind() == JsonValueKind.False,
            $"{schema.Key} in {document}.json refuses extension members (additionalProperties: false)."));
    }
}
