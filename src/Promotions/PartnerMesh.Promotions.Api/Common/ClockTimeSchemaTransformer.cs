using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PartnerMesh.Promotions.Api.Common;

/// <summary>
/// A time window's times are written by <see cref="Domain.Definitions.ClockTimeConverter"/>, which the generator cannot
/// see through (it left them untyped): they are strings of exactly <c>HH:mm</c>, and an end may be <c>24:00</c>.
/// </summary>
public sealed class ClockTimeSchemaTransformer : IOpenApiSchemaTransformer
{
    public const string Pattern = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$";

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (type == typeof(TimeOnly))
        {
            schema.Type = JsonSchemaType.String;
            schema.Format = null;
            schema.Pattern = Pattern;
        }

        return Task.CompletedTask;
    }
}
