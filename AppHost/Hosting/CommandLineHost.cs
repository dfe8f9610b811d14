using System.Diagnostics;
using System.Runtime.InteropServices;
using PartnerMesh.AppHost.Hosting.Runners;
using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.AppHost.Hosting;

/// <summary>
/// What <c>scripts/run.sh</c> shows: progress, the resource table with URLs, the admin key (once), then everything runs
/// until Ctrl+C or SIGTERM, which stop the services (gracefully) and the containers (data kept).
/// </summary>
internal sealed class CommandLineHost(DistributedApplication app, ConsoleWriter console, RunnerContext context)
{
    private static readonly TimeSpan SlowStartNotice = TimeSpan.FromSeconds(60);
    private int _signals;

    private DistributedApplicationBuilder Builder => app.Builder;

    private const string Usage = """
        PartnerMesh AppHost: starts PostgreSQL, RabbitMQ and Redis (containers, or existing servers given as
        ConnectionStrings__postgres/__messaging/__redis), creates and migrates each service's database, starts every
        service and the gateway, and keeps them running until Ctrl+C. Usually started by scripts/run.sh.

        options:
          --new-admin-key        create another admin API key and show it (also while the system already runs)
          --demo                 also run the storefront simulator (live traffic through the gateway)
          --environment <name>   ASPNETCORE_ENVIRONMENT of the services (default Development)
          --no-dashboard         no dashboard and OTLP receiver on 18888/18889
        environment: PARTNERMESH_HOME (state folder), PARTNERMESH_CONTAINER_CLI, PARTNERMESH_*_IMAGE.
        See docs/running.md.
        """;

    public async Task<int> RunAsync()
    {
        if (Builder.Options.ShowHelp || Builder.Options.ArgumentError is not null)
        {
            if (Builder.Options.ArgumentError is { } error)
            {
                console.Error(error);
            }

            console.Raw(Usage);
            return Builder.Options.ArgumentError is null ? 0 : 2;
        }

        if (StateLock.IsHeld(Builder.StateDirectory))
        {
            if (Builder.Options.CreateAdminKey)
            {
                return await CreateKeyForRunningSystemAsync();
            }

            console.Error($"PartnerMesh is already running with the state folder {Builder.StateDirectory} (see its terminal, " +
                          "or the dashboard). Stop it first; `scripts/run.sh --new-admin-key` works while it runs.");
            return 1;
        }

        using var shutdown = new CancellationTokenSource();
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true;
            switch (Interlocked.Increment(ref _signals))
            {
                case 1:
                    console.Info("stopping (Ctrl+C again kills the services at once)…");
                    shutdown.Cancel();
                    break;
                case 2:
                    console.Info("killing the services…");
                    foreach (var project in Builder.Resources.OfType<ProjectResource>())
                    {
                        try
                        {
                            app.KillResource(project.Name);
                        }
                        catch (InvalidOperationException)
                        {
                            // not started
                        }
                    }

                    break;
                default:
                    Environment.Exit(130);
                    break;
            }
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);

        PrintHeader();
        app.Registry.StateChanged += ReportStateChange;
        var exitCode = 0;
        var start = app.StartAsync(shutdown.Token);
        _ = ReportSlowStartAsync(start, shutdown.Token);
        try
        {
            await start;
            PrintSummary();
        }
        catch (DistributedApplicationException exception)
        {
            exitCode = 1;
            console.Error("startup failed:");
            foreach (var line in exception.Message.Split('\n'))
            {
                console.Error(line);
            }

            var report = new List<string>();
            AppendTable(report);
            report.Add($"Logs: {Path.Combine(Builder.StateDirectory, "logs")}/<resource>.log. Fix the cause and run again; Ctrl+C stops what is running.");
            console.Raw(string.Join('\n', report));
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            // Ctrl+C during startup
        }

        try
        {
            await Task.Delay(Timeout.Infinite, shutdown.Token);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM
        }

        var stopping = Stopwatch.StartNew();
        await app.StopAsync();
        app.Registry.StateChanged -= ReportStateChange;
        var volumes = Builder.Resources.OfType<ContainerResource>().Where(c => !c.IsExternal).SelectMany(c => c.Volumes).Select(v => v.Source).ToList();
        console.Info($"stopped in {stopping.Elapsed.TotalSeconds:0.0} s." +
                     (volumes.Count > 0 ? $" Data is kept in the volumes {string.Join(", ", volumes)}; the next run reuses them." : ""));
        return exitCode;
    }

    private void PrintHeader()
    {
        var containers = Builder.Resources.OfType<ContainerResource>().ToList();
        var attached = containers.Where(c => c.IsExternal).Select(c => c.Name).ToList();
        var managed = containers.Where(c => !c.IsExternal).Select(c => c.ContainerName).ToList();
        console.Info($"PartnerMesh AppHost · build {Builder.BuildConfiguration} · services in {Builder.Options.Environment} · state {Builder.StateDirectory}");
        if (managed.Count > 0)
        {
            console.Info($"containers via {context.Containers.Cli}: {string.Join(", ", managed)}");
        }

        if (attached.Count > 0)
        {
            console.Info($"attached to existing servers (ConnectionStrings__*): {string.Join(", ", attached)}");
        }
    }

    private void ReportStateChange(ResourceSnapshot snapshot)
    {
        var worth = snapshot.State switch
        {
            ResourceState.Migrating or ResourceState.Healthy or ResourceState.Unhealthy or ResourceState.Failed => true,
            ResourceState.Running => snapshot.Kind == "project" && snapshot.Url is null,
            _ => false,
        };
        if (worth && _signals == 0)
        {
            var text = $"{snapshot.Name}: {console.Colored(snapshot.State.ToString().ToLowerInvariant(), snapshot.State)}" +
                       (snapshot.Detail is { } detail ? $" ({detail})" : "");
            if (snapshot.State is ResourceState.Failed or ResourceState.Unhealthy)
            {
                console.Error(text);
            }
            else
            {
                console.Info(text);
            }
        }
    }

    private async Task ReportSlowStartAsync(Task start, CancellationToken cancellationToken)
    {
        try
        {
            while (await Task.WhenAny(start, Task.Delay(SlowStartNotice, cancellationToken)) != start)
            {
                var waiting = app.Registry.GetAll().Where(r => !r.IsReady && r.State != ResourceState.Failed)
                    .Select(r => $"{r.Name} ({r.State.ToString().ToLowerInvariant()})");
                console.Info($"still waiting for: {string.Join(", ", waiting)}");
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>One block, written at once, so no service output lands in the middle of it.</summary>
    private void PrintSummary()
    {
        var sinceProcessStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
        var lines = new List<string>
        {
            "",
            console.Bold(
                $"PartnerMesh is running: all {app.Registry.GetAll().Count} resources ready {sinceProcessStart.TotalSeconds:0.0} s after start " +
                $"(AppHost startup {app.StartupDuration?.TotalSeconds:0.0} s)."),
            "",
        };
        AppendTable(lines);
        lines.Add("");
        AppendLinks(lines);
        AppendAdminKey(lines);
        lines.Add($"Logs: {Path.Combine(Builder.StateDirectory, "logs")}/<resource>.log · Ctrl+C stops services and containers (data is kept).");
        lines.Add("");
        console.Raw(string.Join('\n', lines));
    }

    private void AppendTable(List<string> lines)
    {
        var resources = app.Registry.GetAll();
        var nameWidth = resources.Max(r => r.Name.Length) + 2;
        var whereWidth = resources.Max(r => Where(r).Length) + 2;
        lines.Add($"  {"resource".PadRight(nameWidth)}{"state",-11}{"where".PadRight(whereWidth)}detail");
        foreach (var r in resources)
        {
            var state = r.State.ToString().ToLowerInvariant();
            lines.Add($"  {r.Name.PadRight(nameWidth)}{console.Colored(state.PadRight(11), r.State)}{Where(r).PadRight(whereWidth)}{r.Detail}");
        }

        static string Where(ResourceSnapshot r) => r.Url?.ToString().TrimEnd('/') ?? r.Address ?? "";
    }

    private void AppendLinks(List<string> lines)
    {
        var projects = Builder.Resources.OfType<ProjectResource>().ToList();
        var gateway = app.AdminKeyProject;
        var rows = new List<(string, string)>();
        if (gateway?.HttpUrl is { } gatewayUrl)
        {
            rows.Add(("Gateway (the only public entry)", Trim(gatewayUrl)));
            rows.Add(("Partner portal", new Uri(gatewayUrl, "/portal/").ToString()));
        }

        if (app.DashboardUrl is { } dashboard)
        {
            rows.Add(("Dashboard (states, logs, telemetry)", Trim(dashboard)));
        }

        foreach (var rabbit in Builder.Resources.OfType<RabbitMQServerResource>().Where(r => r.ManagementUrl is not null))
        {
            rows.Add(("RabbitMQ management UI", rabbit.IsExternal
                ? Trim(rabbit.ManagementUrl!)
                : $"{Trim(rabbit.ManagementUrl!)}  (user {rabbit.UserName}, password: \"{rabbit.Password.Name}\" in {Builder.SecretsFile})"));
        }

        foreach (var postgres in Builder.Resources.OfType<PostgresServerResource>().Where(p => !p.IsExternal))
        {
            rows.Add(("PostgreSQL", $"{postgres.DisplayAddress}, password: \"{postgres.Password.Name}\" in {Builder.SecretsFile}"));
        }

        foreach (var project in projects.Where(p => p.HttpUrl is not null && p.RunsMigrations))
        {
            rows.Add(($"OpenAPI {project.Name}", new Uri(project.HttpUrl!, "/openapi/v1.json").ToString()));
        }

        var width = rows.Max(r => r.Item1.Length) + 2;
        lines.AddRange(rows.Select(row => $"  {row.Item1.PadRight(width)}{row.Item2}"));
        lines.Add("");

        static string Trim(Uri uri) => uri.ToString().TrimEnd('/');
    }

    private void AppendAdminKey(List<string> lines)
    {
        if (app.AdminKeyProject is not { } gateway)
        {
            return;
        }

        switch (gateway.AdminKeyOutcome)
        {
            case AdminKeyOutcome.Bootstrapped or AdminKeyOutcome.Created:
                AppendKeyBox(lines, gateway.AdminApiKey!, gateway.AdminKeyOutcome == AdminKeyOutcome.Bootstrapped ? "first admin API key" : "new admin API key");
                break;
            case AdminKeyOutcome.CreatedForResources:
                lines.Add("An admin API key exists. Another one was created for the storefront simulator (not shown). " +
                          "For one of your own: scripts/run.sh --new-admin-key");
                lines.Add("");
                break;
            case AdminKeyOutcome.Exists:
                lines.Add("An admin API key exists (keys are shown only when created). Another one: scripts/run.sh --new-admin-key");
                lines.Add("");
                break;
            case AdminKeyOutcome.Failed:
                lines.Add($"No admin API key could be created: see {Path.Combine(Builder.StateDirectory, "logs", gateway.Name + ".log")}.");
                lines.Add("");
                break;
            default:
                break;
        }
    }

    private void AppendKeyBox(List<string> lines, string key, string title)
    {
        var gatewayUrl = app.AdminKeyProject?.HttpUrl?.ToString().TrimEnd('/') ?? "http://127.0.0.1:8080";
        string[] box =
        [
            $"{title.ToUpperInvariant()} - shown once, NOT stored anywhere: copy it now",
            "",
            $"  PARTNERMESH_ADMIN_KEY={key}",
            "",
            $"  curl -H \"X-Api-Key: $PARTNERMESH_ADMIN_KEY\" {gatewayUrl}/api/gateway/keys",
            "  Lost it? Create another: scripts/run.sh --new-admin-key (also while the system runs)",
        ];
        var width = box.Max(l => l.Length) + 2;
        lines.Add(console.Bold("+" + new string('-', width) + "+"));
        lines.AddRange(box.Select(line => console.Bold("| " + line.PadRight(width - 1) + "|")));
        lines.Add(console.Bold("+" + new string('-', width) + "+"));
        lines.Add("");
    }

    /// <summary><c>--new-admin-key</c> while the system runs (in another terminal): run only the gateway's key command.</summary>
    private async Task<int> CreateKeyForRunningSystemAsync()
    {
        if (app.AdminKeyProject is not { } gateway || app.RunnerFor(gateway.Name) is not ProjectRunner runner)
        {
            console.Error("no project bootstraps admin keys");
            return 1;
        }

        if (!File.Exists(gateway.DllPath))
        {
            console.Error($"not built: {gateway.DllPath}");
            return 1;
        }

        console.Info("PartnerMesh is running: creating another admin API key with the running system's settings");
        var (key, _, error) = await AdminKeys.RunAsync(runner, HostCommands.NewAdminKey, CancellationToken.None);
        if (key is null)
        {
            console.Error(error ?? "no key printed");
            return 1;
        }

        var lines = new List<string>();
        AppendKeyBox(lines, key, "new admin API key");
        console.Raw(string.Join('\n', lines));
        return 0;
    }
}
