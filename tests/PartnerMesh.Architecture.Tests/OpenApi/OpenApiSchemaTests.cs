using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace PartnerMesh.Architecture.Tests.OpenApi;

/// <summary>What every schema of every committed OpenAPI document (docs/api/, gateway-public.json included) must say.</summary>
public sealed class OpenApiSchemaTests
{
    public static TheoryData<string> Documents => new([.. ApiDocuments.Services, ApiDocuments.GatewayPublic]);

    /// <summary>
    /// <c>oneOf</c> takes a value that exactly one branch matches: when two branches admit null (<c>{type: null}</c> beside
    /// a <c>JsonNode</c>'s <c>{}</c>), every null the member means to allow is refused by a validator or generated client.
    /// </summary>
    [Theory]
    [MemberData(nameof(Documents))]
    public void NoOneOf_HasTwoBranchesThatAdmitNull(string document)
    {
        var root = JsonNode.Parse(File.ReadAllText(ApiDocuments.Committed(document)))!;
        var schemas = root["components"]?["schemas"]?.AsObject();
        var ambiguous = new List<string>();
        Walk(root, "#", (node, path) =>
        {
            if (node["oneOf"] is JsonArray branches && branches.Count(branch => AdmitsNull(branch!, schemas, [])) > 1)
            {
                ambiguous.Add(path);
            }
        });

        Assert.True(ambiguous.Count == 0, $"oneOf with two branches that admit null in {document}.json:\n{string.Join("\n", ambiguous)}");
    }

    [Fact]
    public void AdmitsNull_TellsAnyValueFromTypedSchemas()
    {
        var schemas = new JsonObject { ["Any"] = new JsonObject(), ["Thing"] = new JsonObject { ["type"] = "object" } };

        Assert.True(AdmitsNull(new JsonObject { ["$ref"] = "#/components/schemas/Any" }, schemas, []));
        Assert.True(AdmitsNull(new JsonObject { ["type"] = "null" }, schemas, []));
        Assert.True(AdmitsNull(new JsonObject { ["type"] = new JsonArray("null", "string") }, schemas, []));
        Assert.True(AdmitsNull(new JsonObject { ["enum"] = new JsonArray("a", null) }, schemas, []));
        Assert.False(AdmitsNull(new JsonObject { ["$ref"] = "#/components/schemas/Thing" }, schemas, []));
        Assert.False(AdmitsNull(new JsonObject { ["enum"] = new JsonArray("a") }, schemas, []));
        Assert.False(AdmitsNull(new JsonObject { ["type"] = "string" }, schemas, []));
    }

    private static void Walk(JsonNode? node, string path, Action<JsonObject, string> visit)
    {
        switch (node)
        {
            case JsonObject obj:
                visit(obj, path);
                foreach (var (key, value) in obj)
                {
                    Walk(value, $"{path}/{key}", visit);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], $"{path}/{i}", visit);
                }

                break;
        }
    }

    /// <summary>Whether null is valid under the schema (a reference followed within the document).</summary>
    private static bool AdmitsNull(JsonNode schema, JsonObject? schemas, HashSet<string> following)
    {
        if (schema is JsonValue flag && flag.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return flag.GetValue<bool>();
        }

        var obj = schema.AsObject();
        if (obj["$ref"]?.GetValue<string>() is { } reference)
        {
            var name = reference[(reference.LastIndexOf('/') + 1)..];
            return following.Add(name) && schemas?[name] is { } target && AdmitsNull(target, schemas, following);
        }

        var admits = obj["type"] switch
        {
            JsonArray types => types.Any(type => type?.GetValue<string>() == "null"),
            JsonValue type => type.GetValue<string>() == "null",
            _ => true,
        };
        if (obj["enum"] is JsonArray values)
        {
            admits &= values.Any(value => value is null);
        }

        if (obj.ContainsKey("const"))
        {
            admits &= obj["const"] is null;
        }

        if (obj["oneOf"] is JsonArray oneOf)
        {
            admits &= oneOf.Count(branch => AdmitsNull(branch!, schemas, [.. following])) == 1;
        }

        if (obj["anyOf"] is JsonArray anyOf)
        {
            admits &= anyOf.Any(branch => AdmitsNull(branch!, schemas, [.. following]));
        }

        if (obj["allOf"] is JsonArray allOf)
        {
            admits &= allOf.All(branch => AdmitsNull(branch!, schemas, [.. following]));
        }

        return admits && !obj.ContainsKey("not");
    }
}
