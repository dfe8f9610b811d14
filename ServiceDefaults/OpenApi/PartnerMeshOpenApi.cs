using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace PartnerMesh.ServiceDefaults.OpenApi;

/// <summary>
/// The conventions every PartnerMesh OpenAPI document follows, so the committed documents (docs/api/) are true and
/// complete without per-endpoint boilerplate:
/// <list type="bullet">
/// <item>the security schemes (API key through the gateway; the portal's session cookie) and, per operation, its
/// requirement and its <see cref="OperationPolicies.ExtensionName"/>, both read from the endpoint's authorization
/// metadata;</item>
/// <item>an operation id (the endpoint name) and a summary (the endpoint's own, else its name in words);</item>
/// <item>the error responses every operation can give, as <c>application/problem+json</c>: 400 for bad input, 401/403
/// when authenticated, 404 for an unknown id in the path, 413 for an oversized body and 415 for another content type
/// or an encoded body, plus those the endpoint
/// declares;</item>
/// <item>required properties from C# (<c>required</c>, a non-nullable constructor parameter without a default, or
/// <see cref="RequiredAttribute"/>), not from every constructor parameter;</item>
/// <item>problem schemas open to extension members (<c>traceId</c>, <c>reason</c>, …) in every service, also one whose
/// JSON refuses unknown members (promotions).</item>
/// </list>
/// </summary>
public static class PartnerMeshOpenApi
{
    public const string ApiKeyScheme = "apiKey";
    public const string SessionScheme = "portalSession";
    public const string ApiKeyHeader = "X-Api-Key";
    private const string ProblemJson = "application/problem+json";
    private const string ProblemSchema = "ProblemDetails";

    public static OpenApiOptions AddPartnerMeshConventions(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddSchemaTransformer<RequiredPropertiesTransformer>();
        options.AddSchemaTransformer<ScalarSchemaTransformer>();
        options.AddSchemaTransformer<OpenProblemSchemaTransformer>();
        options.AddOperationTransformer<OperationTransformer>();
        options.AddDocumentTransformer<DocumentTransformer>();
        options.AddDocumentTransformer<NullableAnyValueTransformer>();
        return options;
    }

    /// <summary>The <see cref="OperationPolicies"/> value the endpoint's metadata adds up to, or null when undeclared.</summary>
    public static string? PolicyOf(IReadOnlyList<object> metadata, IReadOnlyDictionary<string, string> policies)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(policies);
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return OperationPolicies.Anonymous;
        }

        var declared = metadata.OfType<IAuthorizeData>().Where(data => data.Policy is not null).ToList();
        var kinds = new List<string>();
        foreach (var data in declared)
        {
            if (!policies.TryGetValue(data.Policy!, out var kind))
            {
                return null;
            }

            kinds.Add(kind);
        }

        return OperationPolicies.Combine(kinds);
    }

    /// <summary><c>ListCampaignCodes</c> → "List campaign codes".</summary>
    public static string Words(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var words = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i > 0 && char.IsUpper(c) && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
            {
                words.Append(' ');
            }

            words.Append(i == 0 ? char.ToUpperInvariant(c) : ToLowerUnlessAcronym(name, i));
        }

        return words.ToString();
    }

    private static char ToLowerUnlessAcronym(string name, int i)
    {
        var c = name[i];
        var inAcronym = char.IsUpper(c)
            && ((i + 1 < name.Length && char.IsUpper(name[i + 1])) || (i > 0 && char.IsUpper(name[i - 1]) && (i + 1 == name.Length || !char.IsLower(name[i + 1]))));
        return inAcronym ? c : char.ToLowerInvariant(c);
    }

    private sealed class DocumentTransformer(IHostEnvironment environment, IOptions<PartnerMeshOpenApiOptions> options)
        : IOpenApiDocumentTransformer
    {
        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        {
            var service = environment.ApplicationName.Replace("PartnerMesh.", "", StringComparison.Ordinal)
                .Replace(".Api", "", StringComparison.Ordinal);
            document.Info = new OpenApiInfo
            {
                Title = $"PartnerMesh {service} API",
                Version = "v1",
                Description = $"The {service} service's HTTP API. Callers reach it through the PartnerMesh gateway, which " +
                    $"authenticates their API key ({ApiKeyHeader} header) and forwards the same path with a short-lived " +
                    "service token; each operation names the caller it admits in " + OperationPolicies.ExtensionName + ".",
                License = new OpenApiLicense { Name = "Proprietary", Url = new Uri("https://partnermesh.invalid/license") },
            };
            document.Servers = [new OpenApiServer { Url = "/", Description = "The gateway: paths are forwarded unchanged." }];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
            document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyHeader,
                Description = "An API key (storefront or admin scope), checked by the gateway.",
            };
            if (options.Value.SessionCookieName is { } cookie)
            {
                document.Components.SecuritySchemes[SessionScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Cookie,
                    Name = cookie,
                    Description = "The partner portal's session cookie, set by signing in to the portal.",
                };
            }

            return Task.CompletedTask;
        }
    }

    private sealed class OperationTransformer(IOptions<PartnerMeshOpenApiOptions> options) : IOpenApiOperationTransformer
    {
        private static readonly int[] AuthenticatedErrors = [StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden];

        public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
        {
            var description = context.Description;
            var metadata = description.ActionDescriptor.EndpointMetadata;
            var name = metadata.OfType<IEndpointNameMetadata>().LastOrDefault()?.EndpointName;
            operation.OperationId ??= name;
            if (string.IsNullOrWhiteSpace(operation.Summary) && operation.OperationId is { } id)
            {
                operation.Summary = Words(id);
            }

            var policy = PolicyOf([.. metadata], options.Value.Policies.AsReadOnly());
            if (policy is not null)
            {
                operation.Extensions ??= new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal);
                operation.Extensions[OperationPolicies.ExtensionName] = new JsonNodeExtension(JsonValue.Create(policy));
            }

            if (policy == OperationPolicies.Anonymous)
            {
                // An empty requirement: no credentials needed.
                operation.Security = [new OpenApiSecurityRequirement()];
            }
            else if (policy is not null)
            {
                var scheme = policy == OperationPolicies.PortalSession ? SessionScheme : ApiKeyScheme;
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] }];
            }

            var errors = new SortedSet<int>(options.Value.CommonErrors);
            var hasBody = operation.RequestBody is not null;
            if (hasBody || operation.Parameters is { Count: > 0 })
            {
                errors.Add(StatusCodes.Status400BadRequest);
            }

            if (policy is not OperationPolicies.Anonymous)
            {
                errors.UnionWith(AuthenticatedErrors);
            }

            if (operation.Parameters?.Any(parameter => parameter.In == ParameterLocation.Path) == true)
            {
                errors.Add(StatusCodes.Status404NotFound);
            }

            if (hasBody)
            {
                // A body in another content type, or with a Content-Encoding, is refused before the endpoint runs.
                errors.Add(StatusCodes.Status413PayloadTooLarge);
                errors.Add(StatusCodes.Status415UnsupportedMediaType);
            }

            operation.Responses ??= [];
            foreach (var status in errors)
            {
                operation.Responses.TryAdd(status.ToString(CultureInfo.InvariantCulture), new OpenApiResponse());
            }

            var problem = await ProblemReferenceAsync(context, cancellationToken);
            foreach (var (status, response) in operation.Responses.ToList())
            {
                if (status.StartsWith('4') && response is OpenApiResponse concrete)
                {
                    AsProblem(concrete, int.Parse(status, CultureInfo.InvariantCulture), problem);
                }
            }
        }

        private static async Task<IOpenApiSchema> ProblemReferenceAsync(OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
        {
            var document = context.Document!;
            if (document.Components?.Schemas?.ContainsKey(ProblemSchema) != true)
            {
                var schema = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
                document.AddComponent(ProblemSchema, schema);
            }

            return new OpenApiSchemaReference(ProblemSchema, document);
        }

        /// <summary>Every 4xx is a problem (the endpoint's own or, for a bare status, the status code pages' one).</summary>
        private static void AsProblem(OpenApiResponse response, int status, IOpenApiSchema problem)
        {
            if (string.IsNullOrWhiteSpace(response.Description))
            {
                response.Description = ReasonPhrases.GetReasonPhrase(status);
            }

            var schema = response.Content?.Values.Select(media => media.Schema).FirstOrDefault(schema => schema is not null) ?? problem;
            response.Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
            {
                [ProblemJson] = new OpenApiMediaType { Schema = schema },
            };
        }
    }

    /// <summary>
    /// Required = what a request must carry: a C# <c>required</c> member, a non-nullable constructor parameter without a
    /// default, or a member marked <see cref="RequiredAttribute"/>. A nullable parameter may be left out (it binds to
    /// null) — unless it is marked: then it is nullable only so that the service's validator, not the JSON reader, names
    /// it when it is missing, and the document says neither "optional" nor "null".
    /// </summary>
    private sealed class RequiredPropertiesTransformer : IOpenApiSchemaTransformer
    {
        /// <summary>The generator's mark on a nullable member of an object type (Microsoft.AspNetCore.OpenApi).</summary>
        private const string NullablePropertyMarker = "x-is-nullable-property";

        public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
        {
            // Also when the type is first met as a member's (context.JsonPropertyInfo set): the schema is then that
            // member type's own, and the generator's default (every constructor parameter required) would stay.
            var type = context.JsonTypeInfo;
            if (type.Kind == JsonTypeInfoKind.Object && schema.Properties is { Count: > 0 } properties)
            {
                var required = type.Properties.Where(IsRequired).Select(property => property.Name).ToHashSet(StringComparer.Ordinal);
                schema.Required = required.Count > 0 ? required : null;
                foreach (var property in type.Properties.Where(IsMarkedRequired))
                {
                    if (properties.TryGetValue(property.Name, out var member) && member is OpenApiSchema concrete)
                    {
                        if (concrete.Type is { } memberType)
                        {
                            concrete.Type = memberType & ~JsonSchemaType.Null;
                        }

                        // An object member: the generator would make its reference "null or the object" (oneOf).
                        concrete.Metadata?.Remove(NullablePropertyMarker);
                    }
                }
            }

            return Task.CompletedTask;
        }

        private static bool IsRequired(JsonPropertyInfo property) =>
            property.IsRequired || IsMarkedRequired(property)
            || (!IsNullable(property) && property.AssociatedParameter is { HasDefaultValue: false });

        /// <summary>Marked <see cref="RequiredAttribute"/>: required, and never null, whatever its C# type.</summary>
        internal static bool IsMarkedRequired(JsonPropertyInfo property) =>
            property.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true
            || property.AssociatedParameter?.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true;

        private static bool IsNullable(JsonPropertyInfo property) =>
            property.PropertyType.IsValueType
                ? Nullable.GetUnderlyingType(property.PropertyType) is not null
                : property.AssociatedParameter?.IsNullable ?? property.IsGetNullable;
    }

    /// <summary>
    /// A problem carries extension members beside the RFC 9457 ones (<c>traceId</c> always, <c>reason</c> and <c>errors</c>
    /// where they apply: <see cref="ProblemDetails.Extensions"/>), so its schema never says <c>additionalProperties:
    /// false</c> — which the generator writes for every object of a service whose JSON options disallow unmapped members
    /// (promotions' strict request bodies), problems included.
    /// </summary>
    private sealed class OpenProblemSchemaTransformer : IOpenApiSchemaTransformer
    {
        public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
        {
            if (context.JsonPropertyInfo is null && typeof(ProblemDetails).IsAssignableFrom(context.JsonTypeInfo.Type))
            {
                schema.AdditionalPropertiesAllowed = true;
                schema.AdditionalProperties = null;
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// A time keeps its <c>string</c> type, and a decimal its <c>number</c> type, when a service reads it with its own
    /// converter (<see cref="WebApi.ExactDecimalConverter"/> for every decimal): the generator then knows only the format,
    /// and clients generated from the document would otherwise not know what to send.
    /// </summary>
    private sealed class ScalarSchemaTransformer : IOpenApiSchemaTransformer
    {
        public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
        {
            var type = context.JsonTypeInfo.Type;
            var underlying = Nullable.GetUnderlyingType(type);
            var scalar = underlying ?? type;
            // A member marked [Required] is typed before its owner takes its null away: it never gets one.
            var nullable = underlying is null || (context.JsonPropertyInfo is { } member && RequiredPropertiesTransformer.IsMarkedRequired(member))
                ? 0
                : JsonSchemaType.Null;
            if (schema.Type is null && (scalar == typeof(DateTimeOffset) || scalar == typeof(DateTime)))
            {
                schema.Type = JsonSchemaType.String | nullable;
                schema.Format ??= "date-time";
            }
            else if (schema.Type is null && scalar == typeof(decimal))
            {
                schema.Type = JsonSchemaType.Number | nullable;
                schema.Format ??= "double";
            }
            else if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && schema.Properties is { Count: > 0 } properties)
            {
                // A map of amounts (a campaign's targets): the generator leaves its values out when their converter is
                // ours, and calls no transformer for the map itself, so its owner puts them back.
                foreach (var property in context.JsonTypeInfo.Properties)
                {
                    if (DecimalMapValue(property.PropertyType) is { } value && properties.TryGetValue(property.Name, out var map)
                        && map is OpenApiSchema { AdditionalProperties: null or { Type: null } } mapSchema)
                    {
                        mapSchema.AdditionalProperties = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Number | (Nullable.GetUnderlyingType(value) is null ? 0 : JsonSchemaType.Null),
                            Format = "double",
                        };
                    }
                }
            }

            return Task.CompletedTask;
        }

        /// <summary>The value type of a string-keyed map of decimals (<c>IReadOnlyDictionary&lt;string, decimal&gt;</c>, …), else null.</summary>
        private static Type? DecimalMapValue(Type type) =>
            type.IsGenericType && type.GetGenericArguments() is [var key, var value] && key == typeof(string)
            && (Nullable.GetUnderlyingType(value) ?? value) == typeof(decimal)
            && typeof(IEnumerable<>).MakeGenericType(typeof(KeyValuePair<,>).MakeGenericType(key, value)).IsAssignableFrom(type)
                ? value
                : null;
    }
}
