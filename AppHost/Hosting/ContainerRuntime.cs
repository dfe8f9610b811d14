using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace PartnerMesh.AppHost.Hosting;

internal sealed record CliResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    public string Describe() => $"exit code {ExitCode}: {(StandardError.Trim() is { Length: > 0 } error ? error : StandardOutput.Trim())}";
}

internal enum ContainerAction
{
    Reused,
    Started,
    Created,
    Recreated,
}

/// <summary>
/// The container CLI named by <c>PARTNERMESH_CONTAINER_CLI</c> (<c>podman</c> or <c>docker</c>). The AppHost's environment is
/// passed through (<c>CONTAINERS_CONF</c>, <c>CONTAINERS_STORAGE_CONF</c>, <c>DOCKER_HOST</c> from <c>scripts/infra.sh env</c>).
/// </summary>
internal sealed class ContainerRuntime(string cli)
{
    private const string ConfigLabel = "partnermesh.config";

    public string Cli { get; } = cli;

    public static string Detect(string? configured)
    {
        if (configured is { Length: > 0 })
        {
            return configured;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var candidate in new[] { "podman", "docker" })
        {
            if (path.Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, candidate))))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "No container CLI found: run `scripts/infra.sh ensure` and `eval \"$(scripts/infra.sh env)\"` (or use scripts/run.sh), " +
            "or set ConnectionStrings__postgres/__messaging/__redis to use existing servers.");
    }

    public async Task<CliResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Cli)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {Cli}.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"Could not run '{Cli}' ({exception.Message}): run `scripts/infra.sh ensure`.", exception);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return new CliResult(process.ExitCode, await stdout, await stderr);
        }
    }

    /// <summary>
    /// Makes the container run: reuses a running one, starts a stopped one, and re-creates it when its image or
    /// settings changed (recorded in a label). Data lives in named volumes, so re-creating keeps it.
    /// </summary>
    public async Task<ContainerAction> EnsureRunningAsync(ContainerResource container, CancellationToken cancellationToken)
    {
        var imageId = await RunAsync(["image", "inspect", "--format", "{{.Id}}", container.Image], null, cancellationToken);
        if (!imageId.Succeeded)
        {
            throw new InvalidOperationException(
                $"Image {container.Image} is not available ({imageId.Describe()}). Run `scripts/infra.sh ensure` first.");
        }

        var config = ConfigHash(container, imageId.StandardOutput.Trim());
        var inspect = await RunAsync(
            ["container", "inspect", "--format", $"{{{{.State.Status}}}}|{{{{index .Config.Labels \"{ConfigLabel}\"}}}}", container.ContainerName],
            null,
            cancellationToken);
        var recreate = false;
        if (inspect.Succeeded)
        {
            var parts = inspect.StandardOutput.Trim().Split('|', 2);
            var (status, label) = (parts[0], parts.Length > 1 ? parts[1] : "");
            if (label == config)
            {
                if (status == "running")
                {
                    return ContainerAction.Reused;
                }

                var start = await RunAsync(["start", container.ContainerName], null, cancellationToken);
                if (start.Succeeded)
                {
                    return ContainerAction.Started;
                }
            }

            recreate = true;
            var remove = await RunAsync(["rm", "--force", container.ContainerName], null, cancellationToken);
            if (!remove.Succeeded)
            {
                throw new InvalidOperationException($"Could not remove the outdated container {container.ContainerName} ({remove.Describe()}).");
            }
        }

        var run = await RunAsync(RunArguments(container, config), container.Environment.AsReadOnly(), cancellationToken);
        if (!run.Succeeded)
        {
            throw new InvalidOperationException($"Could not create container {container.ContainerName} ({run.Describe()}).");
        }

        return recreate ? ContainerAction.Recreated : ContainerAction.Created;
    }

    public async Task<CliResult> StopAsync(string containerName, CancellationToken cancellationToken) =>
        await RunAsync(["stop", "--time", "10", containerName], null, cancellationToken);

    /// <summary>Follows the container's output from <paramref name="since"/> on (Unix seconds).</summary>
    public ManagedProcess FollowLogs(string containerName, long since, Action<string, bool> onLine, TimeProvider timeProvider) =>
        ManagedProcess.Start(
            new ProcessSpec(Cli, ["logs", "--follow", "--since", since.ToString(System.Globalization.CultureInfo.InvariantCulture), containerName],
                Environment.CurrentDirectory, new Dictionary<string, string>()),
            onLine,
            timeProvider);

    public async Task<string> TailLogsAsync(string containerName, int lines, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["logs", "--tail", lines.ToString(System.Globalization.CultureInfo.InvariantCulture), containerName], null, cancellationToken);
        return (result.StandardOutput + result.StandardError).Trim();
    }

    private static List<string> RunArguments(ContainerResource container, string config)
    {
        List<string> args =
        [
            "run", "--detach",
            "--name", container.ContainerName,
            "--hostname", container.ContainerName,
            "--label", $"{ConfigLabel}={config}",
            "--label", $"partnermesh.resource={container.Name}",
        ];
        foreach (var port in container.Ports)
        {
            args.Add("--publish");
            args.Add($"127.0.0.1:{port.HostPort}:{port.ContainerPort}");
        }

        foreach (var volume in container.Volumes)
        {
            args.Add("--volume");
            args.Add($"{volume.Source}:{volume.Target}");
        }

        foreach (var name in container.Environment.Keys)
        {
            // the value comes from the CLI's environment: secrets stay out of command lines
            args.Add("--env");
            args.Add(name);
        }

        args.Add(container.Image);
        args.AddRange(container.Args);
        return args;
    }

    private static string ConfigHash(ContainerResource container, string imageId)
    {
        var text = new StringBuilder()
            .AppendLine(imageId)
            .AppendJoin(' ', container.Ports.Select(p => $"{p.HostPort}:{p.ContainerPort}")).AppendLine()
            .AppendJoin(' ', container.Volumes.Select(v => $"{v.Source}:{v.Target}")).AppendLine()
            .AppendJoin(' ', container.Environment.Select(e => $"{e.Key}={e.Value}")).AppendLine()
            .AppendJoin(' ', container.Args);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
