using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PartnerMesh.Promotions.Api.Common;

/// <summary>
/// Enums as camelCase strings, read exactly as written: <c>"bestDeal"</c>, not <c>"bestdeal"</c>, <c>"BestDeal"</c>,
/// <c>" bestDeal"</c> or a number — like every other value the API names (a definition's <c>type</c>, reason codes), so a
/// value is spelled one way (docs/api.md, "JSON bodies"). <see cref="JsonStringEnumConverter"/> reads names
/// case-insensitively and cannot be told otherwise. The OpenAPI schema (the <c>enum</c> of names) comes from
/// <see cref="EnumSchemaTransformer"/>.
/// </summary>
public sealed class ExactEnumConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

    private sealed class Converter<T> : JsonConverter<T> where T : struct, Enum
    {
        private static readonly FrozenDictionary<string, T> ByName =
            Enum.GetValues<T>().ToFrozenDictionary(value => JsonNamingPolicy.CamelCase.ConvertName(value.ToString()), StringComparer.Ordinal);

        private static readonly FrozenDictionary<T, string> Names = ByName.ToFrozenDictionary(pair => pair.Value, pair => pair.Key);

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String ? Parse(reader.GetString()) : throw Invalid();

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(Name(value));

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Parse(reader.GetString());

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WritePropertyName(Name(value));

        private static T Parse(string? name) => name is not null && ByName.TryGetValue(name, out var value) ? value : throw Invalid();

        private static string Name(T value) =>
            Names.TryGetValue(value, out var name) ? name : throw new JsonException();

        // Without a message, so that System.Text.Json adds the path and the API answers as for any unknown enum value (a 400
        // naming the field).
        private static JsonException Invalid() => new();
    }
}

/// <summary>The <c>enum</c> of names in the OpenAPI schema of an enum that <see cref="ExactEnumConverter"/> reads and
/// writes (the schema generator only knows <see cref="JsonStringEnumConverter"/>'s).</summary>
public sealed class EnumSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        // A nullable enum is referenced as oneOf null and the enum's component, so the component itself never lists null.
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (type.IsEnum && schema.Enum is not { Count: > 0 })
        {
            schema.Enum = Names(type);
        }
        else if (context.JsonTypeInfo.ElementType is { IsEnum: true } element && schema.Items is null)
        {
            // A list of enum values: the generator leaves its items out altogether.
            schema.Items = new OpenApiSchema { Enum = Names(element) };
        }

        return Task.CompletedTask;
    }

    private static List<JsonNode> Names(Type enumType) =>
        [.. Enum.GetNames(enumType).Select(name => (JsonNode)JsonValue.Create(JsonNamingPolicy.CamelCase.ConvertName(name)))];
}
