using PartnerMesh.AppHost.Hosting;
using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.AppHost;

/// <summary>Settings of a programmatic run (end-to-end tests).</summary>
public sealed class PartnerMeshApplicationOptions
{
    /// <summary>
    /// Existing servers keyed by resource name, all three required: <c>postgres</c> (a superuser connection string;
    /// service databases are created on it), <c>messaging</c> (<c>amqp://user:pass@host:port/vhost</c>), <c>redis</c>
    /// (<c>host:port</c>). A test run never touches the development containers (their secrets live in the developer's
    /// state folder, and stopping them would break a running development system).
    /// </summary>
    public IDictionary<string, string> ConnectionStrings { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Free ports for services and dashboard, so a run never clashes with a running development system.</summary>
    public bool UseDynamicPorts { get; set; } = true;

    /// <summary>Secrets, logs and pid files; use a fresh temporary folder per run. Default: the repository's <c>.partnermesh</c>.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>Appended to each database name (e.g. <c>_e2e_1a2b</c>) so runs sharing a server do not share databases.</summary>
    public string DatabaseNameSuffix { get; set; } = "";

    /// <summary>The in-AppHost dashboard and OTLP receiver (services export telemetry only when it runs).</summary>
    public bool EnableDashboard { get; set; }

    /// <summary><c>ASPNETCORE_ENVIRONMENT</c> of the services.</summary>
    public string Environment { get; set; } = "Development";

    /// <summary>Receives the prefixed console lines of every resource (e.g. a test output helper); null = only the log files.</summary>
    public Action<string>? Output { get; set; }

    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Default: the repository above the running assembly (found by <c>PartnerMesh.sln</c>).</summary>
    public string? RepositoryRoot { get; set; }

    /// <summary>RabbitMQ management API of an attached broker (informational).</summary>
    public Uri? RabbitMQManagementUrl { get; set; }
}

/// <summary>
/// The whole system, wired by the same <see cref="PartnerMeshTopology"/> the AppHost uses, started from a test:
/// <code>
/// await using var app = await PartnerMeshApplication.StartAsync(new PartnerMeshApplicationOptions
/// {
///     ConnectionStrings = { ["postgres"] = adminCs, ["messaging"] = amqpUri, ["redis"] = redisCs },
///     StateDirectory = tempDir, DatabaseNameSuffix = "_e2e",
/// }, ct);
/// using var http = new HttpClient { BaseAddress = app.GatewayUrl };
/// http.DefaultRequestHeaders.Add("X-Api-Key", app.AdminApiKey);
/// </code>
/// </summary>
public sealed class PartnerMeshApplication : IAsyncDisposable
{
    private readonly DistributedApplication _app;

    private PartnerMeshApplication(DistributedApplication app, string adminApiKey)
    {
        _app = app;
        AdminApiKey = adminApiKey;
    }

    /// <summary>The gateway's base address (the system's only public entry).</summary>
    public Uri GatewayUrl => GetServiceUrl(ResourceNames.Gateway);

    /// <summary>An admin API key created for this run (<c>--bootstrap-admin-key</c>, or <c>--new-admin-key</c> when one existed).</summary>
    public string AdminApiKey { get; }

    /// <summary>States, logs and telemetry counters of every resource.</summary>
    public ResourceRegistry Resources => _app.Registry;

    /// <summary>The in-AppHost dashboard, when enabled.</summary>
    public Uri? DashboardUrl => _app.DashboardUrl;

    public TimeSpan StartupDuration => _app.StartupDuration ?? TimeSpan.Zero;

    /// <summary>Starts infrastructure (or attaches to it), databases, migrations, services and gateway; returns when all are healthy.</summary>
    /// <exception cref="DistributedApplicationException">Something failed to start; the message holds the failing resource's output.</exception>
    public static async Task<PartnerMeshApplication> StartAsync(PartnerMeshApplicationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var missing = new[] { ResourceNames.Postgres, ResourceNames.Messaging, ResourceNames.Redis }
            .Where(name => !options.ConnectionStrings.TryGetValue(name, out var value) || string.IsNullOrWhiteSpace(value))
            .ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException(
                $"ConnectionStrings needs {string.Join(", ", missing)} (e.g. from PartnerMesh.Testing's TestInfrastructure).", nameof(options));
        }

        var applicationOptions = new DistributedApplicationOptions
        {
            RepositoryRoot = options.RepositoryRoot,
            StateDirectory = options.StateDirectory,
            UseDynamicPorts = options.UseDynamicPorts,
            EnableDashboard = options.EnableDashboard,
            Environment = options.Environment,
            DatabaseNameSuffix = options.DatabaseNameSuffix,
            Output = options.Output,
            StartupTimeout = options.StartupTimeout,
            RabbitMQManagementUrl = options.RabbitMQManagementUrl,
            CreateAdminKey = true,
        };
        foreach (var (name, value) in options.ConnectionStrings)
        {
            applicationOptions.ConnectionStrings[name] = value;
        }

        var builder = DistributedApplication.CreateBuilder(applicationOptions);
        PartnerMeshTopology.Configure(builder);
        var app = builder.Build();
        try
        {
            await app.StartAsync(cancellationToken);
            var key = app.AdminKeyProject?.AdminApiKey
                ?? throw new DistributedApplicationException(
                    $"The gateway created no admin API key: see {Path.Combine(builder.StateDirectory, "logs", ResourceNames.Gateway + ".log")}.");
            return new PartnerMeshApplication(app, key);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Base address of a project resource, e.g. <c>GetServiceUrl(ResourceNames.CouponsApi)</c>.</summary>
    public Uri GetServiceUrl(string resourceName) =>
        _app.Builder.Resources.OfType<ProjectResource>().FirstOrDefault(p => string.Equals(p.Name, resourceName, StringComparison.OrdinalIgnoreCase))
            ?.HttpUrl ?? throw new KeyNotFoundException($"No project with an HTTP endpoint named '{resourceName}'.");

    /// <summary>Connection string of a database or server resource, e.g. <c>GetConnectionString(ResourceNames.CouponsDb)</c>.</summary>
    public string GetConnectionString(string resourceName) =>
        _app.Builder.Resources.OfType<IResourceWithConnectionString>().FirstOrDefault(r => string.Equals(r.Name, resourceName, StringComparison.OrdinalIgnoreCase))
            ?.GetConnectionString() ?? throw new KeyNotFoundException($"No resource with a connection string named '{resourceName}'.");

    public ResourceSnapshot GetResource(string resourceName) => _app.Registry.Get(resourceName);

    /// <summary>The last console lines of a resource (for a failing test's output).</summary>
    public IReadOnlyList<string> GetLogs(string resourceName, int maxLines = 200) =>
        _app.Registry.GetLog(resourceName).GetLines(maxLines).Select(line => line.Text).ToList();

    /// <summary>Stops a service (SIGTERM) or a managed container; it stays stopped (no restart) until <see cref="StartResourceAsync"/>.</summary>
    public Task StopResourceAsync(string resourceName, CancellationToken cancellationToken = default) =>
        _app.StopResourceAsync(resourceName, cancellationToken);

    /// <summary>Starts a stopped resource again and waits until it is healthy.</summary>
    public Task StartResourceAsync(string resourceName, CancellationToken cancellationToken = default) =>
        _app.StartResourceAsync(resourceName, cancellationToken);

    /// <summary>Kills a service's process as a crash would; the AppHost restarts it (state <c>restarting</c>, then healthy).</summary>
    public void KillResource(string resourceName) => _app.KillResource(resourceName);

    /// <summary>Waits until <paramref name="resourceName"/> reaches <paramref name="state"/>.</summary>
    public Task WaitForStateAsync(string resourceName, ResourceState state, CancellationToken cancellationToken = default) =>
        _app.Registry.WaitForStateAsync(resourceName, current => current == state, cancellationToken);

    /// <summary>Stops every service, then the containers this run started (attached servers are left alone).</summary>
    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
