using System.Globalization;
using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.AppHost.Hosting.Runners;

/// <summary>
/// Runs a project: migrations as a step (<c>dotnet {dll} --migrate</c>), then the service process with Aspire's
/// configuration; polls its health endpoint, restarts it with backoff when it crashes, and stops it with SIGTERM.
/// </summary>
internal sealed class ProjectRunner(ProjectResource project, RunnerContext context, ResourceLog log)
    : ResourceRunner(project, context)
{
    private const int AttemptsBeforeFirstHealthy = 3;

    /// <summary>
    /// EF logs the probe of a not-yet-existing <c>__EFMigrationsHistory</c> as a failed command on every first migration;
    /// a real failure still ends the step with the exception and a non-zero exit code.
    /// </summary>
    private static readonly Dictionary<string, string> QuietMigrations = new()
    {
        ["Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command"] = "None",
    };
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan HealthyPollInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StartingPollInterval = TimeSpan.FromMilliseconds(250);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private ManagedProcess? _process;
    private bool _stopRequested;
    private bool _everHealthy;
    private int _consecutiveCrashes;
    private int _healthFailures;
    private Task? _monitor;
    private TaskCompletionSource _healthy = NewCompletion();

    private string PidFile => Path.Combine(Context.Builder.StateDirectory, "run", project.Name + ".pid");

    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(project.ProjectDirectory))
        {
            throw Fail($"project folder {Path.GetRelativePath(Context.Builder.RepositoryRoot, project.ProjectDirectory)} does not exist");
        }

        if (!File.Exists(project.DllPath))
        {
            throw Fail($"not built: {Path.GetRelativePath(Context.Builder.RepositoryRoot, project.DllPath)} is missing " +
                       $"(dotnet build {RepositoryLayout.SolutionFile} -c {Context.Builder.BuildConfiguration})");
        }

        // Migrations need only the database: they run while the broker and cache still start.
        var databases = project.WaitsFor.OfType<PostgresDatabaseResource>().ToList();
        await WaitForAsync(databases, cancellationToken);
        if (project.RunsMigrations)
        {
            await MigrateAsync(cancellationToken);
        }

        await WaitForAsync(project.WaitsFor.Except(databases), cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await StartProcessAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }

        _monitor ??= MonitorHealthAsync();
        await _healthy.Task.WaitAsync(cancellationToken);

        if (project.BootstrapsAdminKey)
        {
            await AdminKeys.BootstrapAsync(project, this, Context, cancellationToken);
        }
    }

    public override void Dispose() => _gate.Dispose();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _stopRequested = true;
            if (_process is { } process)
            {
                Registry.SetState(project.Name, ResourceState.Stopped, "stopping (SIGTERM)", process.Id);
                await process.StopAsync(StopGrace);
                var code = await process.Exited;
                Registry.SetState(project.Name, ResourceState.Stopped, $"exited with code {code}");
            }
            else
            {
                Registry.SetState(project.Name, ResourceState.Stopped);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Kills the process without warning, as a crash would (tests of the restart policy).</summary>
    public void Kill() => _process?.Kill();

    public override async Task RestartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _stopRequested = false;
            _consecutiveCrashes = 0;
            if (_process is null or { Exited.IsCompleted: true })
            {
                await StartProcessAsync(cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }

        _monitor ??= MonitorHealthAsync();
        await _healthy.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The environment the service gets; also used for its one-shot commands (migrations, admin keys).</summary>
    public IReadOnlyDictionary<string, string> BuildEnvironment() =>
        project.BuildEnvironment(new ProjectEnvironmentDefaults(Context.Options.Environment, Context.OtlpEndpoint));

    /// <summary>Runs <c>dotnet {dll} {args}</c> to completion with the service's environment; output goes to the resource log.</summary>
    public async Task<(int ExitCode, List<string> Output)> RunCommandAsync(
        IReadOnlyList<string> args,
        Func<string, string>? redact,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        List<string> output = [];
        var environment = new Dictionary<string, string>(BuildEnvironment());
        foreach (var (key, value) in extraEnvironment ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        // a one-shot command must not look like a second instance of the service to the telemetry
        environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        var process = ManagedProcess.Start(
            new ProcessSpec(DotNetHost.Path, [project.DllPath, .. args], project.ProjectDirectory, environment),
            (line, isError) =>
            {
                lock (output)
                {
                    output.Add(line);
                }

                log.Append(redact?.Invoke(line) ?? line, isError);
            },
            Context.Time);
        try
        {
            var code = await process.Exited.WaitAsync(cancellationToken);
            return (code, output);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var started = Context.Time.GetUtcNow();
        if (project.References.OfType<PostgresDatabaseResource>().ToList() is [var database])
        {
            var (upToDate, count) = await MigrationProbe.IsUpToDateAsync(project.DllPath, database.GetConnectionString(), cancellationToken);
            if (upToDate)
            {
                Registry.SetState(project.Name, ResourceState.Pending, $"migrations up to date ({count} applied)");
                return;
            }
        }

        Registry.SetState(project.Name, ResourceState.Migrating, "dotnet --migrate");
        var (code, output) = await RunCommandAsync([HostCommands.Migrate], null, cancellationToken, QuietMigrations);
        if (code != 0)
        {
            throw Fail($"migrations failed (exit code {code}); dependents are not started", output.TakeLast(40));
        }

        log.Append($"migrations applied in {(Context.Time.GetUtcNow() - started).TotalSeconds:0.0} s", echo: false);
    }

    /// <summary>Caller holds <see cref="_gate"/>.</summary>
    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        await StopLeftoverAsync(cancellationToken);
        if (project.Port is { } port && !LocalPorts.IsFree(port))
        {
            throw Fail($"port {port} is in use by another process (find it with: ss -ltnp 'sport = :{port}')");
        }

        Registry.SetState(project.Name, ResourceState.Starting, null);
        _healthFailures = 0;
        if (_healthy.Task.IsCompleted)
        {
            _healthy = NewCompletion();
        }

        var args = new List<string> { project.DllPath };
        args.AddRange(project.BuildArgs());
        var process = ManagedProcess.Start(
            new ProcessSpec(DotNetHost.Path, args, project.ProjectDirectory, BuildEnvironment()),
            (line, isError) => log.Append(line, isError),
            Context.Time);
        _process = process;
        Directory.CreateDirectory(Path.GetDirectoryName(PidFile)!);
        await File.WriteAllTextAsync(PidFile, $"{process.Id}\n{project.DllPath}\n", CancellationToken.None);
        log.Append($"---- started pid {process.Id}: dotnet {string.Join(' ', args.Select(Redact))}", echo: false);
        Registry.SetState(project.Name, ResourceState.Running, project.HttpUrl is null ? null : "waiting for health", process.Id);
        if (project.HealthCheckPath is null)
        {
            _everHealthy = true;
            _healthy.TrySetResult();
        }

        _ = SuperviseAsync(process);
    }

    /// <summary>Restarts a crashed process with exponential backoff (1 s, 2 s, 4 s … 30 s).</summary>
    private async Task SuperviseAsync(ManagedProcess process)
    {
        var code = await process.Exited;
        File.Delete(PidFile);
        TimeSpan delay;
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            if (!ReferenceEquals(_process, process) || _stopRequested || Context.Stopping.IsCancellationRequested)
            {
                return;
            }

            log.Append($"---- pid {process.Id} exited with code {code}", isError: code != 0, echo: false);
            if (project.HttpUrl is null && code == 0)
            {
                Registry.SetState(project.Name, ResourceState.Stopped, "finished (exit code 0)");
                return;
            }

            if (Context.Time.GetUtcNow() - process.StartedAt > StableAfter)
            {
                _consecutiveCrashes = 0;
            }

            _consecutiveCrashes++;
            if (!_everHealthy && _consecutiveCrashes >= AttemptsBeforeFirstHealthy)
            {
                var exception = Fail(
                    $"exited with code {code} before becoming healthy ({_consecutiveCrashes} attempts)",
                    log.GetLines(40).Select(line => line.Text));
                _healthy.TrySetException(exception);
                return;
            }

            delay = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, _consecutiveCrashes - 1), MaxBackoff.TotalSeconds));
            Registry.SetState(project.Name, ResourceState.Restarting, $"exited with code {code}; restarting in {delay.TotalSeconds:0} s");
            Context.Console.Error($"{project.Name} exited with code {code}; restarting in {delay.TotalSeconds:0} s");
        }
        finally
        {
            _gate.Release();
        }

        try
        {
            await Task.Delay(delay, Context.Time, Context.Stopping);
            await _gate.WaitAsync(Context.Stopping);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            if (!_stopRequested && ReferenceEquals(_process, process))
            {
                await StartProcessAsync(Context.Stopping);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            _healthy.TrySetException(exception);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Polls the health endpoint: fast until healthy, then every 5 s to spot an unhealthy service.</summary>
    private async Task MonitorHealthAsync()
    {
        if (project.HttpUrl is not { } url || project.HealthCheckPath is not { } path)
        {
            return;
        }

        var healthUrl = new Uri(url, path);
        try
        {
            while (!Context.Stopping.IsCancellationRequested)
            {
                var state = Registry.Get(project.Name).State;
                await Task.Delay(state == ResourceState.Healthy ? HealthyPollInterval : StartingPollInterval, Context.Time, Context.Stopping);
                state = Registry.Get(project.Name).State;
                if (state is not (ResourceState.Running or ResourceState.Healthy or ResourceState.Unhealthy) || _process is not { Exited.IsCompleted: false } process)
                {
                    continue;
                }

                var ok = await Readiness.HttpOkAsync(healthUrl, Context.Stopping);
                if (!ReferenceEquals(process, _process) || Registry.Get(project.Name).State is not (ResourceState.Running or ResourceState.Healthy or ResourceState.Unhealthy))
                {
                    continue;
                }

                if (ok)
                {
                    _healthFailures = 0;
                    if (state != ResourceState.Healthy)
                    {
                        var seconds = (Context.Time.GetUtcNow() - process.StartedAt).TotalSeconds;
                        Registry.SetState(project.Name, ResourceState.Healthy, $"healthy {seconds:0.0} s after start", process.Id);
                    }

                    _everHealthy = true;
                    _healthy.TrySetResult();
                }
                else if (state == ResourceState.Healthy && ++_healthFailures >= 2)
                {
                    Registry.SetState(project.Name, ResourceState.Unhealthy, $"{path} does not answer 200", process.Id);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // application stopping
        }
    }

    /// <summary>A service left running by an AppHost that was killed: stop it, else its port stays taken.</summary>
    private async Task StopLeftoverAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(PidFile) || !OperatingSystem.IsLinux())
        {
            return;
        }

        var lines = await File.ReadAllLinesAsync(PidFile, cancellationToken);
        File.Delete(PidFile);
        if (lines.Length < 1 || !int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return;
        }

        var cmdline = $"/proc/{pid}/cmdline";
        if (!File.Exists(cmdline) || !(await File.ReadAllTextAsync(cmdline, cancellationToken)).Contains(project.DllPath, StringComparison.Ordinal))
        {
            return;
        }

        Context.Console.Info($"stopping {project.Name} left over from an earlier run (pid {pid})");
        NativeMethods.Terminate(pid);
        for (var i = 0; i < 100 && File.Exists(cmdline); i++)
        {
            await Task.Delay(100, cancellationToken);
        }

        if (File.Exists(cmdline))
        {
            try
            {
                using var leftover = System.Diagnostics.Process.GetProcessById(pid);
                leftover.Kill();
            }
            catch (ArgumentException)
            {
                // exited meanwhile
            }
        }
    }

    private static string Redact(string argument) => argument.StartsWith("pm_", StringComparison.Ordinal) ? "<api key>" : argument;

    private static TaskCompletionSource NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
