using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace PartnerMesh.AppHost.Hosting;

internal sealed record ProcessSpec(
    string FileName,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment);

/// <summary>A child process whose stdout and stderr are read line by line; stopped with SIGTERM, then killed.</summary>
internal sealed class ManagedProcess
{
    /// <summary>Inherited variables that would contradict what the AppHost injects (e.g. from the shell of a test run).</summary>
    private static readonly string[] ReplacedVariablePrefixes =
        ["ConnectionStrings__", "services__", "OTEL_", "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ServiceIdentity__"];

    private readonly Process _process;
    private readonly Task _pumps;

    private ManagedProcess(Process process, Action<string, bool> onLine, TimeProvider timeProvider)
    {
        _process = process;
        Id = process.Id;
        StartedAt = timeProvider.GetUtcNow();
        _pumps = Task.WhenAll(
            PumpAsync(process.StandardOutput, line => onLine(line, false)),
            PumpAsync(process.StandardError, line => onLine(line, true)));
        Exited = WaitForExitAsync();
    }

    public int Id { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Completes with the exit code once the process exited and its output was read.</summary>
    public Task<int> Exited { get; }

    public static ManagedProcess Start(ProcessSpec spec, Action<string, bool> onLine, TimeProvider timeProvider)
    {
        var info = new ProcessStartInfo(spec.FileName)
        {
            WorkingDirectory = spec.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var key in info.Environment.Keys.ToList())
        {
            if (ReplacedVariablePrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                info.Environment.Remove(key);
            }
        }

        foreach (var (key, value) in spec.Environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {spec.FileName}.");
        // Nothing is ever typed into a service; closing stdin keeps it from waiting on the AppHost's terminal.
        process.StandardInput.Close();
        return new ManagedProcess(process, onLine, timeProvider);
    }

    /// <summary>SIGTERM (graceful shutdown), then a kill when <paramref name="grace"/> has passed.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (Exited.IsCompleted)
        {
            return;
        }

        if (!NativeMethods.Terminate(Id))
        {
            Kill();
        }

        if (await Task.WhenAny(Exited, Task.Delay(grace)) != Exited)
        {
            Kill();
            await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(5)));
        }
    }

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
    }

    private async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync();
        // Output written just before the exit is still in the pipes; a grandchild holding them must not block us.
        await Task.WhenAny(_pumps, Task.Delay(TimeSpan.FromSeconds(2)));
        var code = _process.ExitCode;
        _process.Dispose();
        return code;
    }

    private static async Task PumpAsync(StreamReader reader, Action<string> onLine)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                onLine(line);
            }
        }
        catch (IOException)
        {
            // the pipe broke with the process
        }
        catch (ObjectDisposedException)
        {
            // disposed after exit
        }
    }
}

/// <summary>The <c>dotnet</c> host that runs the services: the one running us, else <c>DOTNET_HOST_PATH</c>, else PATH.</summary>
internal static class DotNetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } self && string.Equals(System.IO.Path.GetFileName(self), exe, StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot
            ? dotnetRoot
            : System.IO.Path.GetDirectoryName(RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(System.IO.Path.DirectorySeparatorChar)) is { } runtime
                ? System.IO.Path.GetFullPath(System.IO.Path.Combine(runtime, "..", ".."))
                : null;
        return root is not null && File.Exists(System.IO.Path.Combine(root, exe)) ? System.IO.Path.Combine(root, exe) : exe;
    }
}

internal static partial class NativeMethods
{
    private const int SigTerm = 15;

    /// <summary>Sends SIGTERM (ASP.NET Core shuts down gracefully on it); false where there are no signals.</summary>
    public static bool Terminate(int processId)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            return Kill(processId, SigTerm) == 0;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
