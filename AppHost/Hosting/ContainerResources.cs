using Npgsql;

namespace PartnerMesh.AppHost.Hosting;

/// <summary>
/// Infrastructure run as a container (named <c>partnermesh-*</c>, published on 127.0.0.1 only), or, when a connection
/// string for it is configured (<c>ConnectionStrings__{name}</c>), an external server the AppHost only attaches to.
/// </summary>
public abstract class ContainerResource(string name, string containerName, string image) : Resource(name), IResourceWithConnectionString
{
    public override string Kind => IsExternal ? "external" : "container";

    public string ContainerName { get; } = containerName;

    public string Image { get; internal set; } = image;

    /// <summary>Connection string of an existing server (attach mode); no container is started.</summary>
    public string? ExternalConnectionString { get; internal set; }

    public bool IsExternal => ExternalConnectionString is not null;

    public IList<PortMapping> Ports { get; } = new List<PortMapping>();

    public IList<VolumeMount> Volumes { get; } = new List<VolumeMount>();

    /// <summary>Passed to the container CLI through its environment (<c>-e NAME</c>), so values never show in a command line.</summary>
    public IDictionary<string, string> Environment { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    public IList<string> Args { get; } = new List<string>();

    public abstract string GetConnectionString();

    /// <summary>Where the server is reached, for the resource table.</summary>
    public abstract string DisplayAddress { get; }
}

public sealed record PortMapping(string Name, int HostPort, int ContainerPort);

public sealed record VolumeMount(string Source, string Target);

public sealed class PostgresServerResource(string name, string image, int port, string userName, ParameterResource password)
    : ContainerResource(name, "partnermesh-postgres", image)
{
    public const int ContainerPort = 5432;

    public int Port { get; } = port;

    public string UserName { get; } = userName;

    public ParameterResource Password { get; } = password;

    public IList<PostgresDatabaseResource> Databases { get; } = new List<PostgresDatabaseResource>();

    /// <summary>A superuser connection to the server's <c>postgres</c> database (used to create the service databases).</summary>
    public override string GetConnectionString() =>
        ExternalConnectionString ?? new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Database = "postgres",
            Username = UserName,
            Password = Password.Value,
        }.ConnectionString;

    public override string DisplayAddress
    {
        get
        {
            var cs = new NpgsqlConnectionStringBuilder(GetConnectionString());
            return $"{cs.Host}:{cs.Port} (user {cs.Username})";
        }
    }
}

/// <summary>One service's database on a <see cref="PostgresServerResource"/>; created by the AppHost when missing.</summary>
public sealed class PostgresDatabaseResource(string name, PostgresServerResource server, string databaseName)
    : Resource(name), IResourceWithConnectionString
{
    public override string Kind => "database";

    public PostgresServerResource Server { get; } = server;

    /// <summary>The database's name on the server: the resource name plus <c>DatabaseNameSuffix</c> (test runs).</summary>
    public string DatabaseName { get; } = databaseName;

    public string GetConnectionString() =>
        new NpgsqlConnectionStringBuilder(Server.GetConnectionString()) { Database = DatabaseName }.ConnectionString;
}

public sealed class RabbitMQServerResource(string name, string image, int port, string userName, ParameterResource password)
    : ContainerResource(name, "partnermesh-rabbitmq", image)
{
    public const int ContainerPort = 5672;
    public const int ManagementContainerPort = 15672;

    public int Port { get; } = port;

    public string UserName { get; } = userName;

    public ParameterResource Password { get; } = password;

    /// <summary>Management UI/API: the published port, or <c>PARTNERMESH_RABBITMQ_MANAGEMENT_URL</c> in attach mode.</summary>
    public Uri? ManagementUrl { get; internal set; }

    public override string GetConnectionString() =>
        ExternalConnectionString
        ?? $"amqp://{Uri.EscapeDataString(UserName)}:{Uri.EscapeDataString(Password.Value)}@127.0.0.1:{Port}";

    public override string DisplayAddress
    {
        get
        {
            var uri = new Uri(GetConnectionString());
            return $"amqp://{uri.Host}:{uri.Port}{(uri.AbsolutePath is "/" or "" ? "" : uri.AbsolutePath)}";
        }
    }
}

public sealed class RedisResource(string name, string image, int port) : ContainerResource(name, "partnermesh-redis", image)
{
    public const int ContainerPort = 6379;

    public int Port { get; } = port;

    public override string GetConnectionString() => ExternalConnectionString ?? $"127.0.0.1:{Port}";

    public override string DisplayAddress => GetConnectionString().Split(',')[0];
}
