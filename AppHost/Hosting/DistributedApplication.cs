using PartnerMesh.AppHost.Hosting.Dashboard;
using PartnerMesh.AppHost.Hosting.Runners;

namespace PartnerMesh.AppHost.Hosting;

/// <summary>Startup failed: a resource failed (its dependents were not started) or the startup timed out.</summary>
public sealed class DistributedApplicationException(string message) : Exception(message);

/// <summary>
/// The running system: starts resources in dependency order (in parallel where the graph allows), keeps them running,
/// and stops them. <see cref="RunAsync"/> is the command line (<c>scripts/run.sh</c>); tests use
/// <see cref="PartnerMeshApplication"/>.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly DistributedApplicationBuilder _builder;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConsoleWriter _console;
    private readonly RunnerContext _context;
    private readonly Dictionary<Resource, ResourceRunner> _runners = [];
    private readonly List<ResourceLog> _logs = [];
    private StateLock? _stateLock;
    private DashboardHost? _dashboard;
    private bool _started;
    private bool _stopped;

    internal DistributedApplication(DistributedApplicationBuilder builder)
    {
        _builder = builder;
        Registry = new ResourceRegistry(TimeProvider.System);
        _console = new ConsoleWriter(builder.Options.Output, builder.Options.UseColors);
        _context = new RunnerContext(
            builder, Registry, _console, () => new ContainerRuntime(ContainerRuntime.Detect(builder.Options.ContainerCli)), _stopping.Token);
        var logDirectory = Path.Combine(builder.StateDirectory, "logs");
        foreach (var resource in builder.Resources.Where(r => r is not ParameterResource))
        {
            var echo = resource is ProjectResource;
            if (echo)
            {
                _console.Reserve(resource.Name);
            }

            var log = new ResourceLog(resource.Name, Path.Combine(logDirectory, resource.Name + ".log"), echo ? _console : null, Registry.TimeProvider);
            _logs.Add(log);
            var (url, address) = resource switch
            {
                ProjectResource project => (project.HttpUrl, project.HttpUrl?.ToString()),
                ContainerResource container => ((Uri?)null, container.DisplayAddress),
                PostgresDatabaseResource database => (null, $"{database.Server.DisplayAddress.Split(' ')[0]}/{database.DatabaseName}"),
                _ => (null, null),
            };
            Registry.Register(resource, url, address, log);
            _runners[resource] = resource switch
            {
                ContainerResource container => new ContainerRunner(container, _context, log),
                PostgresDatabaseResource database => new DatabaseRunner(database, _context),
                ProjectResource project => new ProjectRunner(project, _context, log),
                _ => throw new NotSupportedException(resource.GetType().Name),
            };
        }

        _context.Runners = _runners;
    }

    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(DistributedApplicationOptions.FromEnvironment(args));

    public static DistributedApplicationBuilder CreateBuilder(DistributedApplicationOptions options) => new(options);

    public ResourceRegistry Registry { get; }

    public DistributedApplicationBuilder Builder => _builder;

    public Uri? DashboardUrl => _dashboard?.DashboardUrl;

    /// <summary>The project that bootstraps admin keys (the gateway), if any.</summary>
    public ProjectResource? AdminKeyProject => _builder.Resources.OfType<ProjectResource>().FirstOrDefault(p => p.BootstrapsAdminKey);

    /// <summary>From the AppHost's start to every resource ready.</summary>
    public TimeSpan? StartupDuration { get; private set; }

    /// <summary>Starts the dashboard (when enabled) and every resource; returns when all are ready.</summary>
    /// <exception cref="DistributedApplicationException">A resource failed, or the startup timed out.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_started)
        {
            throw new InvalidOperationException("Already started.");
        }

        _started = true;
        var begin = Registry.TimeProvider.GetUtcNow();
        _stateLock = StateLock.Acquire(_builder.StateDirectory)
            ?? throw new DistributedApplicationException(
                $"Another AppHost is running with the state folder {_builder.StateDirectory}: stop it first (Ctrl+C in its terminal).");

        if (_builder.Options.EnableDashboard)
        {
            var (dashboardPort, otlpPort) = _builder.Options.UseDynamicPorts
                ? (PortAllocator.GetFreePort(), PortAllocator.GetFreePort())
                : (_builder.Options.DashboardPort, _builder.Options.OtlpPort);
            try
            {
                _dashboard = await DashboardHost.StartAsync(Registry, dashboardPort, otlpPort, cancellationToken);
            }
            catch (IOException exception)
            {
                throw new DistributedApplicationException(
                    $"The dashboard could not listen on 127.0.0.1:{dashboardPort}/{otlpPort} ({exception.Message}); free the ports or use --no-dashboard.");
            }

            _context.OtlpEndpoint = _dashboard.OtlpEndpoint;
        }

        foreach (var note in _builder.Notes)
        {
            _console.Info(note);
        }

        var starts = _runners.Values.Select(runner => Task.Run(runner.StartAsync, CancellationToken.None)).ToList();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_builder.Options.StartupTimeout is { } limit)
        {
            timeout.CancelAfter(limit);
        }

        var all = Task.WhenAll(starts);
        try
        {
            await all.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var waiting = Registry.GetAll().Where(r => !r.IsReady).Select(r => $"{r.Name} ({r.State.ToString().ToLowerInvariant()}: {r.Detail})");
            throw new DistributedApplicationException(
                $"Startup did not finish within {_builder.Options.StartupTimeout}: still waiting for {string.Join(", ", waiting)}.\n{FailureReport()}");
        }

        var failed = _runners.Values.Where(r => r.Ready.IsFaulted).ToList();
        if (failed.Count > 0)
        {
            throw new DistributedApplicationException(FailureReport());
        }

        StartupDuration = Registry.TimeProvider.GetUtcNow() - begin;
    }

    /// <summary>Stops every service (SIGTERM, then kill after 10 s), then the containers (volumes are kept).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _stopping.CancelAsync();
        var projects = _runners.Values.Where(r => r is ProjectRunner).Select(r => r.StopAsync(cancellationToken));
        await Task.WhenAll(projects);
        var containers = _runners.Values.Where(r => r is ContainerRunner or DatabaseRunner).Select(r => r.StopAsync(cancellationToken));
        await Task.WhenAll(containers);
        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync();
            _dashboard = null;
        }

        foreach (var log in _logs)
        {
            log.Dispose();
        }

        foreach (var runner in _runners.Values)
        {
            runner.Dispose();
        }

        _stateLock?.Dispose();
        _stateLock = null;
    }

    public async Task StopResourceAsync(string name, CancellationToken cancellationToken = default) =>
        await RunnerFor(name).StopAsync(cancellationToken);

    /// <summary>Starts a resource stopped with <see cref="StopResourceAsync"/> and waits until it is ready.</summary>
    public async Task StartResourceAsync(string name, CancellationToken cancellationToken = default) =>
        await RunnerFor(name).RestartAsync(cancellationToken);

    /// <summary>Kills a project's process as a crash would; the AppHost restarts it with backoff.</summary>
    public void KillResource(string name)
    {
        if (RunnerFor(name) is not ProjectRunner project)
        {
            throw new InvalidOperationException($"'{name}' is not a project.");
        }

        project.Kill();
    }

    /// <summary>The command line: start, print the resource table, run until Ctrl+C/SIGTERM, stop. Returns the exit code.</summary>
    public Task<int> RunAsync() => new CommandLineHost(this, _console, _context).RunAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
    }

    internal ResourceRunner RunnerFor(string name) =>
        _runners.FirstOrDefault(pair => string.Equals(pair.Key.Name, name, StringComparison.OrdinalIgnoreCase)).Value
        ?? throw new KeyNotFoundException($"No resource named '{name}'.");

    internal string FailureReport() =>
        string.Join('\n', _runners.Values.Select(r => r.FailureReport).OfType<string>());
}

/// <summary>An exclusive lock on the state folder: one AppHost per folder (a dev system and test runs use different ones).</summary>
internal sealed class StateLock(FileStream stream) : IDisposable
{
    public static StateLock? Acquire(string stateDirectory)
    {
        try
        {
            return new StateLock(new FileStream(Path.Combine(stateDirectory, "apphost.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static bool IsHeld(string stateDirectory)
    {
        using var probe = Acquire(stateDirectory);
        return probe is null;
    }

    public void Dispose() => stream.Dispose();
}
