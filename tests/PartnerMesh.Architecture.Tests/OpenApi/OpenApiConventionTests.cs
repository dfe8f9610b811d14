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

    /// <summary>The request bodies whose members the service refuses to go without (<c>{}</c> is a 400 naming them: each
    /// service's <c>RequiredRequestMembersTests</c>), marked <c>[Required]</c> so the document lists them.</summary>
    private static readonly string[] MarkedRequests =
    [
        // analytics
        "SaveCampaignRequest", "BehaviourBatchRequest",
        // attribution
        "CreatePartnerRequest", "UpdatePartnerStatusRequest", "CreateAmbassadorRequest", "SaveProgramRequest", "CreateAgreementRequest",
        "AmbassadorProjectionRequest", "CreateLinkRequest", "UpdateLinkRequest", "RegisterClickRequest", "RecordConversionRequest",
        "RecordRefundRequest", "RecordLeadRequest",
        // coupons
        "CreateCampaignRequest", "CreateCodeRequest", "CreateGenerationJobRequest", "ValidateCouponRequest", "ReserveCouponRequest",
        "RedeemCouponRequest",
        // gateway
        "CreateApiKeyRequest",
        // partner portal
        "CreateAccountRequest", "CreateWebhookRequest", "UpdateWebhookRequest",
        // promotions
        "EvaluateRequest", "VerifyOrderRequest", "RolloutRequest", "CreateExperimentRequest", "PromoteWinnerRequest", "ProductPageRequest",
        "SaveContentRequest",
        // surveys
        "SaveSurveyRequest", "DecisionRequest", "SubmitResponseRequest", "IssueEmailLinkRequest", "EmailLinkResponseRequest",
    ];

    /// <summary>Every marked request body (whatever the method) still lists required members in the documents that take it,
    /// and each name of <see cref="MarkedRequests"/> is the body of some operation.</summary>
    [Fact]
    public void MarkedRequests_DeclareRequiredMembers()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var failures = new List<string>();
        foreach (var document in (string[])[.. ApiDocuments.Services, ApiDocuments.GatewayPublic])
        {
            var root = JsonNode.Parse(File.ReadAllText(ApiDocuments.Committed(document)))!.AsObject();
            var schemas = root["components"]!["schemas"]!.AsObject();
            foreach (var operation in OpenApiOperations.Of(root).Where(operation => operation.HasRequestBody))
            {
                if (RequestSchemaName(operation) is { } name && MarkedRequests.Contains(name, StringComparer.Ordinal))
                {
                    seen.Add(name);
                    if (schemas[name]?["required"] is not JsonArray { Count: > 0 })
                    {
                        failures.Add($"{document}.json {operation} declares no required request member ({name}).");
                    }
                }
            }
        }

        failures.AddRange(MarkedRequests.Except(seen).Select(name => $"{name} is no operation's request body."));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>A required request member never allows <c>null</c> (a client would be told it may send what the service
    /// refuses): in every schema a request body reaches, nested ones included.</summary>
    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryRequestSchema_RequiredMembersAreNotNull(string document)
    {
        var root = JsonNode.Parse(File.ReadAllText(ApiDocuments.Committed(document)))!.AsObject();
        var schemas = root["components"]!["schemas"]!.AsObject();
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(OpenApiOperations.Of(root).Where(operation => operation.HasRequestBody)
            .SelectMany(operation => References(operation.Node["requestBody"])));
        while (pending.TryPop(out var name))
        {
            if (reached.Add(name))
            {
                foreach (var reference in References(schemas[name]))
                {
                    pending.Push(reference);
                }
            }
        }

        var nullable = reached
            .Select(name => (name, schema: schemas[name]))
            .SelectMany(pair => (pair.schema?["required"]?.AsArray() ?? []).Select(member => member!.GetValue<string>())
                .Where(member => AllowsNull(pair.schema!["properties"]?[member]))
                .Select(member => $"{pair.name}.{member}"))
            .ToList();

        Assert.NotEmpty(reached);
        Assert.True(nullable.Count == 0, $"Required request members that allow null in {document}.json:\n{string.Join("\n", nullable)}");
    }

    private static bool AllowsNull(JsonNode? property) =>
        property?["type"] is JsonArray types && types.Any(type => type?.GetValue<string>() == "null")
        || property?["type"] is JsonValue type && type.GetValue<string>() == "null"
        || (property?["oneOf"] ?? property?["anyOf"]) is JsonArray options && options.Any(AllowsNull);

    private static IEnumerable<string> References(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["$ref"]?.GetValue<string>() is { } reference)
                {
                    yield return reference[(reference.LastIndexOf('/') + 1)..];
                }

                foreach (var (_, value) in obj)
                {
                    foreach (var nested in References(value))
                    {
                        yield return nested;
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    foreach (var nested in References(item))
                    {
                        yield return nested;
                    }
                }

                break;
        }
    }

    private static JsonObject Responses(OpenApiOperation operation) => operation.Node["responses"]?.AsObject() ?? new JsonObject();

    private static string? RequestSchemaName(OpenApiOperation operation) =>
        References(operation.Node["requestBody"]?["content"]?["application/json"]?["schema"]).FirstOrDefault();
}
