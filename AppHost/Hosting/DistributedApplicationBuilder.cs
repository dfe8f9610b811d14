using System.Reflection;
using System.Security.Cryptography;

namespace PartnerMesh.AppHost.Hosting;

/// <summary>
/// Declares the resources of the system, shaped like Aspire's <c>IDistributedApplicationBuilder</c>
/// (<c>AddPostgres(...).AddDatabase(...)</c>, <c>AddProject(...).WithReference(x).WaitFor(x)</c>).
/// </summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<Resource> _resources = [];
    private readonly SecretStore _secrets;

    internal DistributedApplicationBuilder(DistributedApplicationOptions options)
    {
        Options = options;
        RepositoryRoot = options.RepositoryRoot ?? RepositoryLayout.FindRepositoryRoot(AppContext.BaseDirectory);
        StateDirectory = Path.GetFullPath(options.StateDirectory ?? Path.Combine(RepositoryRoot, ".partnermesh"));
        BuildConfiguration = options.BuildConfiguration ?? RepositoryLayout.OwnBuildConfiguration();
        Directory.CreateDirectory(StateDirectory);
        _secrets = new SecretStore(Path.Combine(StateDirectory, "secrets.json"));
    }

    public DistributedApplicationOptions Options { get; }

    public string RepositoryRoot { get; }

    public string StateDirectory { get; }

    public string SecretsFile => _secrets.Path;

    /// <summary><c>debug</c> or <c>release</c>.</summary>
    public string BuildConfiguration { get; }

    public IReadOnlyList<Resource> Resources => _resources;

    /// <summary>Messages the AppHost prints when it starts (e.g. an optional resource left out).</summary>
    public IList<string> Notes { get; } = new List<string>();

    /// <summary>A secret generated on first run and kept in <c>secrets.json</c>.</summary>
    public IResourceBuilder<ParameterResource> AddParameter(string name, Func<string>? generate = null)
    {
        var value = _secrets.GetOrCreate(name, generate ?? GeneratePassword);
        return Add(new ParameterResource(name, value));
    }

    public IResourceBuilder<PostgresServerResource> AddPostgres(string name, int port)
    {
        var password = AddParameter($"{name}-password");
        var postgres = new PostgresServerResource(name, Options.PostgresImage, port, "partnermesh", password.Resource)
        {
            ExternalConnectionString = ConfiguredConnectionString(name),
        };
        postgres.Ports.Add(new PortMapping("tcp", port, PostgresServerResource.ContainerPort));
        postgres.Environment["POSTGRES_USER"] = postgres.UserName;
        postgres.Environment["POSTGRES_PASSWORD"] = password.Resource.Value;
        postgres.Environment["POSTGRES_DB"] = "postgres";
        // Seven services with connection pools and outbox relays outgrow the default of 100.
        postgres.Args.Add("-c");
        postgres.Args.Add("max_connections=300");
        return Add(postgres);
    }

    public IResourceBuilder<RabbitMQServerResource> AddRabbitMQ(string name, int port)
    {
        var password = AddParameter($"{name}-password");
        var rabbit = new RabbitMQServerResource(name, Options.RabbitMQImage, port, "partnermesh", password.Resource)
        {
            ExternalConnectionString = ConfiguredConnectionString(name),
            ManagementUrl = Options.RabbitMQManagementUrl,
        };
        rabbit.Ports.Add(new PortMapping("amqp", port, RabbitMQServerResource.ContainerPort));
        rabbit.Environment["RABBITMQ_DEFAULT_USER"] = rabbit.UserName;
        rabbit.Environment["RABBITMQ_DEFAULT_PASS"] = password.Resource.Value;
        return Add(rabbit);
    }

    public IResourceBuilder<RedisResource> AddRedis(string name, int port)
    {
        var redis = new RedisResource(name, Options.RedisImage, port) { ExternalConnectionString = ConfiguredConnectionString(name) };
        redis.Ports.Add(new PortMapping("tcp", port, RedisResource.ContainerPort));
        return Add(redis);
    }

    /// <summary>A project of this repository by its folder (relative to the repository root).</summary>
    /// <param name="port">Development HTTP port; replaced by a free port with <c>UseDynamicPorts</c>; null = no endpoint.</param>
    public IResourceBuilder<ProjectResource> AddProject(string name, string projectPath, int? port = null)
    {
        var directory = Path.GetFullPath(Path.Combine(RepositoryRoot, projectPath));
        var project = new ProjectResource(name, directory, BuiltDllPath(directory))
        {
            Port = port is null ? null : Options.UseDynamicPorts ? PortAllocator.GetFreePort() : port,
        };
        return Add(project);
    }

    /// <summary>Whether a project folder exists and its build output is there (for optional resources).</summary>
    public bool IsProjectBuilt(string projectPath)
    {
        var directory = Path.GetFullPath(Path.Combine(RepositoryRoot, projectPath));
        return File.Exists(BuiltDllPath(directory));
    }

    /// <summary><c>artifacts/bin/{Project}/{configuration}/{Project}.dll</c> for a project folder (an absolute path).</summary>
    private string BuiltDllPath(string projectDirectory)
    {
        var projectName = Path.GetFileName(projectDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(RepositoryRoot, "artifacts", "bin", projectName, BuildConfiguration, projectName + ".dll");
    }

    public DistributedApplication Build()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var resource in _resources)
        {
            if (!names.Add(resource.Name))
            {
                throw new InvalidOperationException($"Two resources are named '{resource.Name}'.");
            }
        }

        foreach (var resource in _resources)
        {
            foreach (var dependency in resource.WaitsFor.Concat(resource.References))
            {
                if (!_resources.Contains(dependency))
                {
                    throw new InvalidOperationException($"'{resource.Name}' refers to '{dependency.Name}', which is not part of this application.");
                }
            }
        }

        ThrowOnCycle();
        return new DistributedApplication(this);
    }

    internal IResourceBuilder<T> Add<T>(T resource)
        where T : Resource
    {
        _resources.Add(resource);
        return new ResourceBuilder<T>(this, resource);
    }

    private string? ConfiguredConnectionString(string name) =>
        Options.ConnectionStrings.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    private void ThrowOnCycle()
    {
        var visiting = new HashSet<Resource>();
        var done = new HashSet<Resource>();
        void Visit(Resource resource, string path)
        {
            if (done.Contains(resource))
            {
                return;
            }

            if (!visiting.Add(resource))
            {
                throw new InvalidOperationException($"WaitFor cycle: {path}");
            }

            foreach (var dependency in resource.WaitsFor)
            {
                Visit(dependency, $"{path} -> {dependency.Name}");
            }

            visiting.Remove(resource);
            done.Add(resource);
        }

        foreach (var resource in _resources)
        {
            Visit(resource, resource.Name);
        }
    }

    /// <summary>Letters and digits only, so the value needs no escaping in connection strings and URIs.</summary>
    internal static string GeneratePassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 32);

    /// <summary>Base64 of 32 random bytes (<c>ServiceIdentity__SigningKey</c>).</summary>
    public static string GenerateKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}

internal static class RepositoryLayout
{
    public const string SolutionFile = "PartnerMesh.sln";

    public static string FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No {SolutionFile} found above {start}: set RepositoryRoot.");
    }

    /// <summary>The configuration this assembly was built with, as the artifacts folder spells it.</summary>
    public static string OwnBuildConfiguration() =>
        (typeof(RepositoryLayout).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug")
            .ToLowerInvariant();
}
