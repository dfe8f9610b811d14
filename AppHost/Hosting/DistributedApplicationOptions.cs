namespace PartnerMesh.AppHost.Hosting;

/// <summary>Everything that varies between <c>scripts/run.sh</c> and a test run; the topology itself does not.</summary>
public sealed class DistributedApplicationOptions
{
    /// <summary>The folder holding <c>PartnerMesh.sln</c>; found by walking up from the AppHost's own folder when null.</summary>
    public string? RepositoryRoot { get; set; }

    /// <summary>State folder: <c>secrets.json</c>, <c>logs/</c>, pid files. Default <c>PARTNERMESH_HOME</c> or <c>{repo}/.partnermesh</c>.</summary>
    public string? StateDirectory { get; set; }

    /// <summary><c>debug</c> or <c>release</c>: which build output to start. Default: the configuration the AppHost was built with.</summary>
    public string? BuildConfiguration { get; set; }

    /// <summary>Existing servers to use instead of containers, keyed by resource name (<c>postgres</c>, <c>messaging</c>, <c>redis</c>).</summary>
    public IDictionary<string, string> ConnectionStrings { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>RabbitMQ management API of an attached broker (shown in the table; not needed otherwise).</summary>
    public Uri? RabbitMQManagementUrl { get; set; }

    /// <summary>Appended to every database name, so several test runs can share one attached server.</summary>
    public string DatabaseNameSuffix { get; set; } = "";

    /// <summary>Free ports for the projects and the dashboard instead of the fixed development ports.</summary>
    public bool UseDynamicPorts { get; set; }

    public bool EnableDashboard { get; set; } = true;

    public int DashboardPort { get; set; } = 18888;

    public int OtlpPort { get; set; } = 18889;

    /// <summary><c>ASPNETCORE_ENVIRONMENT</c> of every service.</summary>
    public string Environment { get; set; } = "Development";

    /// <summary><c>podman</c> or <c>docker</c> (<c>PARTNERMESH_CONTAINER_CLI</c>).</summary>
    public string? ContainerCli { get; set; }

    public string PostgresImage { get; set; } = "postgres:16";

    public string RabbitMQImage { get; set; } = "rabbitmq:3-management";

    public string RedisImage { get; set; } = "redis:7";

    /// <summary>Create another admin API key even when one exists (<c>--new-admin-key</c>; tests always want one).</summary>
    public bool CreateAdminKey { get; set; }

    /// <summary>Start the storefront simulator too (<c>--demo</c>), when it is built.</summary>
    public bool Demo { get; set; }

    /// <summary>Receives every console line (resource output prefixed <c>[name]</c> and AppHost messages); null = keep them in logs only.</summary>
    public Action<string>? Output { get; set; }

    /// <summary>Colour the <c>[name]</c> prefixes (a terminal).</summary>
    public bool UseColors { get; set; }

    /// <summary>How long <c>StartAsync</c> waits for everything to become healthy; null = no limit.</summary>
    public TimeSpan? StartupTimeout { get; set; }

    /// <summary>A command-line mistake; the command line prints it with the usage instead of starting.</summary>
    public string? ArgumentError { get; set; }

    /// <summary><c>--help</c>: print the usage and exit.</summary>
    public bool ShowHelp { get; set; }

    /// <summary>Reads <c>PARTNERMESH_*</c>, <c>ConnectionStrings__*</c> and the command line, as <c>scripts/run.sh</c> passes them.</summary>
    public static DistributedApplicationOptions FromEnvironment(IReadOnlyList<string> args)
    {
        var options = new DistributedApplicationOptions
        {
            StateDirectory = Variable("PARTNERMESH_HOME"),
            ContainerCli = Variable("PARTNERMESH_CONTAINER_CLI"),
            Output = Console.Out.WriteLine,
            UseColors = !Console.IsOutputRedirected && Variable("NO_COLOR") is null,
        };
        options.PostgresImage = Variable("PARTNERMESH_POSTGRES_IMAGE") ?? options.PostgresImage;
        options.RabbitMQImage = Variable("PARTNERMESH_RABBITMQ_IMAGE") ?? options.RabbitMQImage;
        options.RedisImage = Variable("PARTNERMESH_REDIS_IMAGE") ?? options.RedisImage;
        options.Environment = Variable("PARTNERMESH_SERVICES_ENVIRONMENT") ?? options.Environment;
        if (Variable("PARTNERMESH_RABBITMQ_MANAGEMENT_URL") is { } management)
        {
            options.RabbitMQManagementUrl = new Uri(management);
        }

        foreach (var name in new[] { "postgres", "messaging", "redis" })
        {
            if (Variable($"ConnectionStrings__{name}") is { } connectionString)
            {
                options.ConnectionStrings[name] = connectionString;
            }
        }

        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--new-admin-key":
                    options.CreateAdminKey = true;
                    break;
                case "--demo":
                    options.Demo = true;
                    break;
                case "--no-dashboard":
                    options.EnableDashboard = false;
                    break;
                case "--environment" when i + 1 < args.Count:
                    options.Environment = args[++i];
                    break;
                case "--help" or "-h":
                    options.ShowHelp = true;
                    break;
                default:
                    options.ArgumentError ??= $"unknown option '{args[i]}'";
                    break;
            }
        }

        return options;
    }

    private static string? Variable(string name) =>
        System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
