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

    /// <summary>A success answer with a body says what the body is (a generated client needs its type): every 2xx but
    /// 204 declares content with a schema.</summary>
    [Theory]
    [MemberData(nameof(Documents))]
    public void EverySuccessResponseWithBody_DeclaresSchema(string document)
    {
        var untyped = OpenApiOperations.Committed(document)
            .SelectMany(operation => Responses(operation)
                .Where(response => response.Key.StartsWith('2') && response.Key != "204")
                .Where(response => response.Value?["content"]?.AsObject() is not { Count: > 0 } content
                    || content.Any(media => media.Value?["schema"] is null))
                .Select(response => $"{operation} {response.Key}"))
            .ToList();

        Assert.True(untyped.Count == 0, $"Success responses without a schema in {document}.json:\n{string.Join("\n", untyped)}");
    }

    /// <summary>Every operation that takes a body answers 415 (application/problem+json) to another content type or a
    /// Content-Encoding (docs/api.md), so it declares it.</summary>
    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryBodyTakingOperation_Declares415Problem(string document)
    {
        var withBody = OpenApiOperations.Committed(document).Where(operation => operation.HasRequestBody).ToList();

        Assert.NotEmpty(withBody);
        Assert.All(withBody, operation => Assert.True(
            Responses(operation).FirstOrDefault(response => response.Key == "415").Value?["content"]?["application/problem+json"]?["schema"] is not null,
            $"{operation} takes a body but declares no 415 problem."));
    }

    /// <summary>The request bodies whose members the service refuses to go without (<c>{}</c> is a 400 naming them), marked
    /// <c>[Required]</c> so the document lists them. Not yet all creating requests: add each one as it is marked.</summary>
    private static readonly string[] MarkedRequests =
    [
        "CreatePartnerRequest", "SaveProgramRequest", "CreateLinkRequest", "RecordConversionRequest", "RecordRefundRequest",
        "RecordLeadRequest", "CreateApiKeyRequest", "CreateAccountRequest", "CreateWebhookRequest",
    ];

    /// <summary>A creating POST refuses a body without the members it needs (400 naming them), so its request schema
    /// lists them in <c>required</c> — and does not allow <c>null</c> for them.</summary>
    [Theory]
    [MemberData(nameof(Documents))]
    public void CreatingPosts_DeclareRequiredMembers(string document)
    {
        var root = JsonNode.Parse(File.ReadAllText(ApiDocuments.Committed(document)))!.AsObject();
        var schemas = root["components"]!["schemas"]!.AsObject();
        var creating = OpenApiOperations.Of(root)
            .Where(operation => operation.Method == "POST" && operation.ResponseStatuses.Contains("201"))
            .Select(operation => (operation, name: RequestSchemaName(operation)))
            .Where(pair => MarkedRequests.Contains(pair.name))
            .ToList();

        Assert.All(creating, pair =>
        {
            var schema = schemas[pair.name!]!;
            var required = schema["required"]?.AsArray().Select(name => name!.GetValue<string>()).ToList() ?? [];
            Assert.True(required.Count > 0, $"{pair.operation} declares no required request member.");
            foreach (var name in required)
            {
                Assert.False(schema["properties"]![name]?["type"] is JsonArray types && types.Any(type => type?.GetValue<string>() == "null"),
                    $"{pair.operation}: required member {name} allows null.");
            }
        });
    }

    private static JsonObject Responses(OpenApiOperation operation) => operation.Node["responses"]?.AsObject() ?? new JsonObject();

    private static string? RequestSchemaName(OpenApiOperation operation) =>
        operation.Node["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>() is { } reference
            ? reference[(reference.LastIndexOf('/') + 1)..]
            : null;
}
