using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.AppHost.Hosting.Runners;

/// <summary>
/// The gateway's first admin API key: <c>dotnet PartnerMesh.Gateway.dll --bootstrap-admin-key</c> prints
/// <c>PARTNERMESH_ADMIN_KEY=&lt;key&gt;</c> when it created one, or <c>PARTNERMESH_ADMIN_KEY_EXISTS</c>;
/// <c>--new-admin-key</c> always creates another. The key is shown once and never written to a log or file.
/// </summary>
internal static class AdminKeys
{
    public static async Task BootstrapAsync(ProjectResource gateway, ProjectRunner runner, RunnerContext context, CancellationToken cancellationToken)
    {
        var (key, exists, error) = await RunAsync(runner, HostCommands.BootstrapAdminKey, cancellationToken);
        if (key is not null)
        {
            (gateway.AdminApiKey, gateway.AdminKeyOutcome) = (key, AdminKeyOutcome.Bootstrapped);
            return;
        }

        if (exists && (context.Options.CreateAdminKey || gateway.AdminKeyRequired))
        {
            (key, _, error) = await RunAsync(runner, HostCommands.NewAdminKey, cancellationToken);
            if (key is not null)
            {
                (gateway.AdminApiKey, gateway.AdminKeyOutcome) =
                    (key, context.Options.CreateAdminKey ? AdminKeyOutcome.Created : AdminKeyOutcome.CreatedForResources);
                return;
            }
        }

        gateway.AdminKeyOutcome = error is null ? AdminKeyOutcome.Exists : AdminKeyOutcome.Failed;
        if (error is not null)
        {
            context.Console.Error($"admin key: {error}");
        }
    }

    /// <summary>Runs one key command; returns the key, whether one existed, or what went wrong.</summary>
    public static async Task<(string? Key, bool Exists, string? Error)> RunAsync(ProjectRunner runner, string command, CancellationToken cancellationToken)
    {
        var (code, output) = await runner.RunCommandAsync([command], Redact, cancellationToken);
        var key = output.Select(line => line.Trim()).FirstOrDefault(line => line.StartsWith(HostCommands.AdminKeyLinePrefix, StringComparison.Ordinal))?[HostCommands.AdminKeyLinePrefix.Length..];
        var exists = output.Any(line => line.Trim() == HostCommands.AdminKeyExistsLine);
        if (code != 0 || (key is null && !exists))
        {
            return (null, false, $"`dotnet {Path.GetFileName(runner.Resource is ProjectResource p ? p.DllPath : "")} {command}` " +
                                 $"exited with code {code} without printing {HostCommands.AdminKeyLinePrefix}… or {HostCommands.AdminKeyExistsLine} (see its log)");
        }

        return (key, exists, null);
    }

    private static string Redact(string line) =>
        line.TrimStart().StartsWith(HostCommands.AdminKeyLinePrefix, StringComparison.Ordinal) ? HostCommands.AdminKeyLinePrefix + "<shown once on the console, never logged>" : line;
}
