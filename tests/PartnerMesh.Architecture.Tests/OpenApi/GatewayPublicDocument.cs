using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using PartnerMesh.Gateway.Proxy;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.OpenApi;

namespace PartnerMesh.Architecture.Tests.OpenApi;

/// <summary>
/// docs/api/gateway-public.json, the one document storefront developers see: the gateway's own operations plus, for every
/// route of <see cref="GatewayRoutes"/> that takes an API key or no credentials, the operations of the service it
/// forwards to whose path the route matches (paths are forwarded unchanged). The portal's browser routes (its session
/// cookie) are left out. Operation ids and tags are prefixed with the route, component schemas shared unchanged when
/// two services define the same one and prefixed with the service otherwise; every operation also answers 429 (the
/// gateway's rate limit) and 503 (its service is unreachable).
/// </summary>
internal static class GatewayPublicDocument
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonObject Build(IReadOnlyDictionary<string, JsonObject> documents)
    {
        var paths = new JsonObject();
        var schemas = new JsonObject();
        var tags = new JsonArray();

        AddOperations(documents[ResourceNames.Gateway], "gateway", "Gateway", _ => true, paths, schemas, tags);
        foreach (var route in GatewayRoutes.All.Where(route => route.Access is RouteAccess.ApiKey or RouteAccess.Anonymous))
        {
            var service = Pascal(route.RouteId);
            AddOperations(documents[route.Service], route.RouteId, service, path => Matches(route, path), paths, schemas, tags);
        }

        RemoveUnreferenced(schemas, paths);
        return new JsonObject
        {
            ["openapi"] = documents[ResourceNames.Gateway]["openapi"]!.DeepClone(),
            ["info"] = new JsonObject
            {
                ["title"] = "PartnerMesh public API",
                ["description"] = "Everything the PartnerMesh gateway exposes to storefronts and administrators. Send your API key in " +
                    $"the {PartnerMeshOpenApi.ApiKeyHeader} header; each operation names the key scope it needs in " +
                    $"{OperationPolicies.ExtensionName} (a storefront key may call storefront operations, an admin key all of them). " +
                    "Generated from the services' documents and the gateway's route table (scripts/openapi.sh).",
                ["license"] = documents[ResourceNames.Gateway]["info"]!["license"]!.DeepClone(),
                ["version"] = "v1",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/", ["description"] = "The PartnerMesh gateway." }),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["headers"] = HeaderComponents(),
                ["securitySchemes"] = new JsonObject
                {
                    [PartnerMeshOpenApi.ApiKeyScheme] = documents[ResourceNames.Gateway]["components"]!["securitySchemes"]![PartnerMeshOpenApi.ApiKeyScheme]!.DeepClone(),
                },
            },
            ["tags"] = tags,
        };
    }

    private static bool Matches(GatewayRoute route, string path)
    {
        const string CatchAll = "{**rest}";
        return route.Path.EndsWith(CatchAll, StringComparison.Ordinal)
            ? path.StartsWith(route.Path[..^CatchAll.Length], StringComparison.Ordinal)
            : path == route.Path;
    }

    private static void AddOperations(
        JsonObject document, string routeId, string service, Func<string, bool> routed, JsonObject paths, JsonObject schemas, JsonArray tags)
    {
        var renames = AddSchemas(document, service, schemas);
        var tagNames = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            if (!routed(path) || paths.ContainsKey(path))
            {
                continue;
            }

            var copy = Rename(item!.DeepClone(), renames).AsObject();
            foreach (var (_, operation) in copy)
            {
                if (operation is not JsonObject op || op["responses"] is not JsonObject responses)
                {
                    continue;
                }

                op["operationId"] = $"{routeId}.{op["operationId"]!.GetValue<string>()}";
                var operationTags = op["tags"]?.AsArray().Select(tag => $"{service}: {tag!.GetValue<string>()}").ToList() ?? [service];
                op["tags"] = new JsonArray([.. operationTags.Select(tag => (JsonNode)tag)]);
                tagNames.UnionWith(operationTags);
                responses.TryAdd("429", Problem("Too Many Requests: the API key's (or the address's) rate limit is used up; see Retry-After.", renames));
                responses.TryAdd("503", Problem("Service Unavailable: the service behind the route is unreachable.", renames));
                AddRateLimitHeaders(responses);
            }

            paths[path] = copy;
        }

        foreach (var tag in tagNames)
        {
            tags.Add(new JsonObject { ["name"] = tag });
        }
    }

    private static readonly (string Name, string Description)[] RateLimitHeaders =
    [
        ("RateLimit-Limit", "Requests allowed per one-minute window: the API key's limit, or the per-address limit of anonymous routes and sign-in."),
        ("RateLimit-Remaining", "Requests left in the current window."),
        ("RateLimit-Reset", "Seconds until the current window ends."),
        ("X-RateLimit-Limit", "Same as RateLimit-Limit, for clients that read the X- form."),
        ("X-RateLimit-Remaining", "Same as RateLimit-Remaining."),
        ("X-RateLimit-Reset", "Same as RateLimit-Reset."),
    ];

    /// <summary>
    /// The gateway's rate limiter answers every routed request with the <c>RateLimit-*</c> headers (authentication and
    /// authorization failures come first and carry none) and a 429 with <c>Retry-After</c>; every operation's responses
    /// reference the headers declared once in <c>components/headers</c> (docs/api.md, "Rate limits").
    /// </summary>
    private static void AddRateLimitHeaders(JsonObject responses)
    {
        foreach (var (status, response) in responses)
        {
            if (status is "401" or "403" || response is not JsonObject concrete)
            {
                continue;
            }

            if (concrete["headers"] is not JsonObject headers)
            {
                headers = [];
                concrete["headers"] = headers;
            }

            foreach (var (name, _) in RateLimitHeaders)
            {
                headers.TryAdd(name, HeaderReference(name));
            }

            if (status == "429")
            {
                headers.TryAdd(RetryAfter.Name, HeaderReference(RetryAfter.Name));
            }
        }
    }

    private static readonly (string Name, string Description) RetryAfter = ("Retry-After", "Seconds to wait before retrying: the rest of the window.");

    /// <summary>The rate-limit headers once, in <c>components/headers</c>, for every operation to reference.</summary>
    private static JsonObject HeaderComponents() =>
        new([.. RateLimitHeaders.Append(RetryAfter).Select(header => KeyValuePair.Create(header.Name, (JsonNode?)IntegerHeader(header.Description)))]);

    private static JsonObject HeaderReference(string name) => new() { ["$ref"] = "#/components/headers/" + name };

    private static JsonObject IntegerHeader(string description) => new() { ["description"] = description, ["schema"] = new JsonObject { ["type"] = "integer" } };

    private static JsonObject Problem(string description, IReadOnlyDictionary<string, string> renames) => new()
    {
        ["description"] = description,
        ["content"] = new JsonObject
        {
            ["application/problem+json"] = new JsonObject
            {
                ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/" + renames.GetValueOrDefault("ProblemDetails", "ProblemDetails") },
            },
        },
    };

    /// <summary>Adds the document's schemas; returns the ones renamed (another service already has a different one).</summary>
    private static Dictionary<string, string> AddSchemas(JsonObject document, string service, JsonObject schemas)
    {
        var own = document["components"]?["schemas"]?.AsObject() ?? [];
        var renames = new Dictionary<string, string>(StringComparer.Ordinal);
        // Compared with their references renamed, until nothing changes: a page of this service's items is not another
        // service's page of its own items, even when both schemas read alike ("items": CampaignResponse).
        bool renamed;
        do
        {
            renamed = false;
            foreach (var (name, schema) in own)
            {
                if (!renames.ContainsKey(name) && schemas[name] is { } existing && !JsonNode.DeepEquals(existing, Rename(schema!.DeepClone(), renames)))
                {
                    renames[name] = service + name;
                    renamed = true;
                }
            }
        }
        while (renamed);

        foreach (var (name, schema) in own)
        {
            var target = renames.GetValueOrDefault(name, name);
            if (!schemas.ContainsKey(target))
            {
                schemas[target] = Rename(schema!.DeepClone(), renames);
            }
        }

        return renames;
    }

    /// <summary>Drops the schemas only the left-out operations used.</summary>
    private static void RemoveUnreferenced(JsonObject schemas, JsonObject paths)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<JsonNode>([paths]);
        while (pending.TryPop(out var node))
        {
            foreach (var reference in References(node))
            {
                if (used.Add(reference) && schemas[reference] is { } schema)
                {
                    pending.Push(schema);
                }
            }
        }

        foreach (var name in schemas.Select(schema => schema.Key).Where(name => !used.Contains(name)).ToList())
        {
            schemas.Remove(name);
        }
    }

    private static IEnumerable<string> References(JsonNode node)
    {
        const string Prefix = "#/components/schemas/";
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "$ref" && value is JsonValue reference && reference.GetValue<string>() is { } text && text.StartsWith(Prefix, StringComparison.Ordinal))
                    {
                        yield return text[Prefix.Length..];
                    }
                    else if (value is not null)
                    {
                        foreach (var inner in References(value))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case JsonArray array:
                foreach (var inner in array.OfType<JsonNode>().SelectMany(References))
                {
                    yield return inner;
                }

                break;
        }
    }

    private static JsonNode Rename(JsonNode node, IReadOnlyDictionary<string, string> renames)
    {
        const string Prefix = "#/components/schemas/";
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key == "$ref" && value?.GetValue<string>() is { } reference && reference.StartsWith(Prefix, StringComparison.Ordinal)
                        && renames.TryGetValue(reference[Prefix.Length..], out var renamed))
                    {
                        obj[key] = Prefix + renamed;
                    }
                    else if (value is not null)
                    {
                        Rename(value, renames);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        Rename(item, renames);
                    }
                }

                break;
        }

        return node;
    }

    private static string Pascal(string routeId) =>
        string.Concat(routeId.Split('-').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}
