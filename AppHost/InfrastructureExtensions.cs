using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace PartnerMesh.AppHost;

/// <summary>A PostgreSQL server that hands out one database per service: a container of ours, or an existing server.</summary>
internal sealed class PostgresServer(IDistributedApplicationBuilder builder, IResourceBuilder<PostgresServerResource>? container, IResourceBuilder<IResourceWithConnectionString>? existing)
{
    public IResourceBuilder<IResourceWithConnectionString> AddDatabase(string name) =>
        container is not null
            ? container.AddDatabase(name)
            // An existing server: the service's database on it (its migrator creates the database when it is missing).
            : builder.AddConnectionString(name, ReferenceExpression.Create($"{existing!.Resource};Database={name}"));
}

/// <summary>
/// PostgreSQL, RabbitMQ and Redis as containers with data volumes — or, when <c>ConnectionStrings:&lt;name&gt;</c> is
/// configured (user secrets, environment <c>ConnectionStrings__postgres</c>), the existing server it names.
/// </summary>
internal static class InfrastructureExtensions
{
    /// <summary>Optional: names the data volumes <c>&lt;prefix&gt;-&lt;resource&gt;-data</c> instead of Aspire's per-checkout names (tests use a per-run prefix).</summary>
    private const string VolumePrefixKey = "PartnerMesh:VolumePrefix";

    /// <summary>
    /// The host ports the containers publish directly: <c>PartnerMesh:InfrastructurePortBase</c> + 1 (PostgreSQL), + 2
    /// (RabbitMQ), + 3 (Redis); by default <c>PartnerMesh:PortBase</c> + 10,000, so each checkout's port block has its own.
    /// </summary>
    private const string InfrastructurePortBaseKey = "PartnerMesh:InfrastructurePortBase";
    private const int PostgresPortOffset = 1;
    private const int RabbitMQPortOffset = 2;
    private const int RedisPortOffset = 3;

    public static PostgresServer AddPartnerMeshPostgres(this IDistributedApplicationBuilder builder, string name)
    {
        if (UsesExistingServer(builder, name))
        {
            return new PostgresServer(builder, null, builder.AddConnectionString(name));
        }

        var postgres = builder.AddPostgres(name, password: builder.AddSecretPassword($"{name}-password"))
            .WithImageFromEnvironment(ContainerImages.PostgresVariable)
            .WithDataVolume(VolumeName(builder, name))
            // Seven services share the server, each with a connection pool of up to 100: the default limit of 100 lets a
            // burst on one service (a thousand concurrent checkouts) refuse connections to all the others.
            .WithArgs("-c", "max_connections=400")
            .WithDirectHostPort(PostgresPortOffset);
        return new PostgresServer(builder, postgres, null);
    }

    public static IResourceBuilder<IResourceWithConnectionString> AddPartnerMeshRabbitMQ(this IDistributedApplicationBuilder builder, string name)
    {
        if (UsesExistingServer(builder, name))
        {
            return builder.AddConnectionString(name);
        }

        // The management plugin first: after the image overrides Aspire no longer recognises the image and refuses it.
        return builder.AddRabbitMQ(name, password: builder.AddSecretPassword($"{name}-password"))
            .WithManagementPlugin()
            .WithImageFromEnvironment(ContainerImages.RabbitMQVariable)
            .WithDataVolume(VolumeName(builder, name))
            .WithDirectHostPort(RabbitMQPortOffset);
    }

    public static IResourceBuilder<IResourceWithConnectionString> AddPartnerMeshRedis(this IDistributedApplicationBuilder builder, string name)
    {
        if (UsesExistingServer(builder, name))
        {
            return builder.AddConnectionString(name);
        }

        return builder.AddRedis(name, password: builder.AddSecretPassword($"{name}-password"))
            .WithImageFromEnvironment(ContainerImages.RedisVariable)
            .WithDataVolume(VolumeName(builder, name))
            .WithRedisAsProcessOne()
            .WithDirectHostPort(RedisPortOffset);
    }

    /// <summary>A generated secret, kept in the AppHost's user secrets so data volumes keep working across runs.</summary>
    public static IResourceBuilder<ParameterResource> AddSecretPassword(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

    /// <summary>
    /// A generated signing key, persisted like the passwords: 44 letters and digits, about 262 random bits (a
    /// service-token key is derived from it; the quote and email-link keys read it as base64).
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddSecretKey(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = 44, Special = false }, secret: true, persist: true);

    /// <summary>
    /// Services reach the container on a host port it publishes itself, not through DCP's proxy. Measured with pgbench
    /// (<c>SELECT 1</c>, 8 clients) on this 2-core machine: 2,000–3,800 transactions/s at 2–4 ms through the proxy against
    /// 18,300/s at 0.44 ms direct — and every database, Redis and broker round trip of every service paid that hop.
    /// Management UIs stay behind the proxy (only the primary endpoint changes).
    /// </summary>
    private static IResourceBuilder<T> WithDirectHostPort<T>(this IResourceBuilder<T> container, int portOffset)
        where T : ContainerResource, IResourceWithEndpoints
    {
        var configuration = container.ApplicationBuilder.Configuration;
        var portBase = configuration.GetValue<int?>(InfrastructurePortBaseKey) ?? configuration.GetValue("PartnerMesh:PortBase", 5100) + 10_000;
        return container.WithEndpoint("tcp", endpoint =>
        {
            endpoint.IsProxied = false;
            endpoint.Port = portBase + portOffset;
        });
    }

    private static bool UsesExistingServer(IDistributedApplicationBuilder builder, string name) =>
        !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name));

    private static string? VolumeName(IDistributedApplicationBuilder builder, string resource) =>
        builder.Configuration[VolumePrefixKey] is { Length: > 0 } prefix ? $"{prefix}-{resource}-data" : null;

    /// <summary>
    /// Aspire starts Redis as <c>/bin/sh -c "redis-server --requirepass $REDIS_PASSWORD …"</c>: the shell is PID 1 and
    /// ignores SIGTERM, so every stop waits out the runtime's 10 s grace. <c>exec</c> through the image's entrypoint
    /// makes redis-server PID 1 (as the <c>redis</c> user), and it stops in about a second.
    /// </summary>
    private static IResourceBuilder<RedisResource> WithRedisAsProcessOne(this IResourceBuilder<RedisResource> redis) =>
        redis.WithArgs(context =>
        {
            for (var i = 0; i < context.Args.Count; i++)
            {
                if (context.Args[i] is string command && command.StartsWith("redis-server", StringComparison.Ordinal))
                {
                    context.Args[i] = "exec docker-entrypoint.sh " + command;
                }
            }
        });
}
