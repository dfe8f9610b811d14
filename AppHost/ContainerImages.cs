using Aspire.Hosting.ApplicationModel;

namespace PartnerMesh.AppHost;

/// <summary>
/// Image names come from the environment: locally built images here (<c>localhost/partnermesh/postgres:15</c>, never
/// pulled), official ones where a registry exists (<c>postgres:16</c>). Unset, Aspire's default image is used.
/// </summary>
internal static class ContainerImages
{
    public const string PostgresVariable = "PARTNERMESH_POSTGRES_IMAGE";
    public const string RabbitMQVariable = "PARTNERMESH_RABBITMQ_IMAGE";
    public const string RedisVariable = "PARTNERMESH_REDIS_IMAGE";

    public static IResourceBuilder<T> WithImageFromEnvironment<T>(this IResourceBuilder<T> builder, string variable)
        where T : ContainerResource
    {
        if (Environment.GetEnvironmentVariable(variable) is not { Length: > 0 } reference)
        {
            return builder;
        }

        var (registry, image, tag) = Parse(reference);
        builder.WithImage(image, tag);
        if (registry is not null)
        {
            builder.WithImageRegistry(registry);
        }

        return registry == "localhost" ? builder.WithImagePullPolicy(ImagePullPolicy.Never) : builder;
    }

    /// <summary><c>[registry/]name[:tag]</c>; a first segment with a dot, a colon or <c>localhost</c> is a registry.</summary>
    internal static (string? Registry, string Image, string Tag) Parse(string reference)
    {
        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        string? registry = null;
        var rest = reference;
        if (slash > 0 && reference[..slash] is var first && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost"))
        {
            registry = first;
            rest = reference[(slash + 1)..];
        }

        var colon = rest.LastIndexOf(':');
        return colon > 0 ? (registry, rest[..colon], rest[(colon + 1)..]) : (registry, rest, "latest");
    }
}
