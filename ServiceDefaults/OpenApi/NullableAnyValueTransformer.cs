using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PartnerMesh.ServiceDefaults.OpenApi;

/// <summary>
/// A nullable member is written as <c>oneOf: [{type: null}, X]</c>: exactly one branch must match. When X admits null
/// itself — a <c>JsonNode</c>/<c>JsonElement</c>/<c>object</c> member, whose schema is <c>{}</c> (any value) — a null
/// matches both and the document refuses every null it means to allow (a diff's <c>from</c>/<c>to</c> of a member added
/// or removed). Such a <c>oneOf</c> becomes an <c>anyOf</c>: the same values, null included, and no other.
/// </summary>
internal sealed class NullableAnyValueTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var visited = new HashSet<OpenApiSchema>(ReferenceEqualityComparer.Instance);
        foreach (var schema in Each(document.Components?.Schemas?.Values))
        {
            Visit(schema, document, visited);
        }

        foreach (var operation in Each(document.Paths?.Values).SelectMany(path => Each(path.Operations?.Values)))
        {
            foreach (var parameter in Each(operation.Parameters))
            {
                Visit(parameter.Schema, document, visited);
            }

            foreach (var media in Each(operation.RequestBody?.Content?.Values))
            {
                Visit(media.Schema, document, visited);
            }

            foreach (var media in Each(operation.Responses?.Values).SelectMany(response => Each(response.Content?.Values)))
            {
                Visit(media.Schema, document, visited);
            }
        }

        return Task.CompletedTask;
    }

    private static IEnumerable<T> Each<T>(IEnumerable<T>? items) => items ?? [];

    /// <summary>Walks an inline schema and those inside it; a reference's target is walked as a component.</summary>
    private static void Visit(IOpenApiSchema? schema, OpenApiDocument document, HashSet<OpenApiSchema> visited)
    {
        if (schema is not OpenApiSchema inline || !visited.Add(inline))
        {
            return;
        }

        if (inline.OneOf is { Count: > 1 } oneOf && oneOf.Count(branch => AdmitsNull(branch, document)) > 1)
        {
            inline.AnyOf = [.. inline.AnyOf ?? [], .. oneOf];
            inline.OneOf = null;
        }

        IEnumerable<IOpenApiSchema?> children =
        [
            .. Each(inline.Properties?.Values), .. Each(inline.OneOf), .. Each(inline.AnyOf), .. Each(inline.AllOf),
            inline.Items, inline.AdditionalProperties, inline.Not,
        ];
        foreach (var child in children)
        {
            Visit(child, document, visited);
        }
    }

    /// <summary>Whether null is valid under the schema; a schema that names no type, enum or composition takes any value.</summary>
    private static bool AdmitsNull(IOpenApiSchema schema, OpenApiDocument document)
    {
        if (schema is OpenApiSchemaReference reference)
        {
            return reference.Reference.Id is { } id && document.Components?.Schemas?.TryGetValue(id, out var target) == true
                && target is not OpenApiSchemaReference && AdmitsNull(target, document);
        }

        if (schema.Type is { } type)
        {
            return type.HasFlag(JsonSchemaType.Null);
        }

        if (schema.Enum is { Count: > 0 } values)
        {
            return values.Any(value => value is null);
        }

        return schema.Const is null && schema.OneOf is not { Count: > 0 } && schema.AnyOf is not { Count: > 0 }
            && schema.AllOf is not { Count: > 0 } && schema.Not is null;
    }
}
