using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PartnerMesh.AppHost;

/// <summary>What a one-shot run of a service binary printed and how it ended.</summary>
internal sealed record HostCommandResult(string Command, int ExitCode, IReadOnlyList<string> Output, IReadOnlyList<string> Errors)
{
    /// <summary>The rest of the first output line that starts with <paramref name="prefix"/>.</summary>
    public string? LineAfter(string prefix) =>
        Output.Select(line => line.Trim()).FirstOrDefault(line => line.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];

    public bool HasLine(string line) => Output.Any(candidate => candidate.Trim() == line);

    /// <summary>A failure description for the dashboard: exit code and the last lines of standard error.</summary>
    public string Describe() =>
        $"`{Command}` exited with code {ExitCode}." + (Errors.Count > 0 ? " " + string.Join(" ", Errors.TakeLast(3)) : "");
}

/// <summary>
/// Runs a service's binary with a host command (<c>--new-admin-key</c>, <c>--redrive-parked-outbox</c>) and the exact
/// environment Aspire gives the resource (connection strings, secrets), outside the dashboard's log capture: the
/// output can hold a secret shown once. Standard output is returned; nothing is logged here.
/// </summary>
internal static class HostCommandRunner
{
    public static async Task<HostCommandResult> RunAsync(ProjectResource project, IServiceProvider services, string[] arguments, CancellationToken cancellationToken)
    {
        var executionContext = services.GetRequiredService<DistributedApplicationExecutionContext>();
        var configuration = await ExecutionConfigurationBuilder.Create(project)
            .WithEnvironmentVariablesConfig()
            .BuildAsync(executionContext, NullLogger.Instance, cancellationToken);

        var projectPath = project.GetProjectMetadata().ProjectPath;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(projectPath)!, // its content root, as when Aspire starts it
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[BuiltProjects.AssemblyPath(projectPath), .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in configuration.EnvironmentVariables)
        {
            start.Environment[name] = value;
        }

        // A one-shot command is not the service: keep its telemetry out of the service's traces and logs.
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        start.Environment["OTEL_SDK_DISABLED"] = "true";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started.");
        var output = ReadLinesAsync(process.StandardOutput, cancellationToken);
        var errors = ReadLinesAsync(process.StandardError, cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new HostCommandResult($"{project.Name} {string.Join(' ', arguments)}", process.ExitCode, await output, await errors);
    }

    private static async Task<IReadOnlyList<string>> ReadLinesAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }
}
