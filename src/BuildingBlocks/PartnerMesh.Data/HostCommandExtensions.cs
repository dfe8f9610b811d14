using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.Data;

public static class HostCommandExtensions
{
    /// <summary>
    /// Runs every registered <see cref="IHostCommand"/> whose switch is on the command line and reports <c>true</c> when
    /// there were any, so the caller returns instead of serving. A failing step sets a non-zero exit code and skips the
    /// rest. (<c>--migrate</c> runs before the web host is built: <see cref="MigrationCommand"/>.)
    /// </summary>
    public static async Task<bool> RunHostCommandIfRequestedAsync(this WebApplication app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        var commands = app.Services.GetServices<IHostCommand>().Where(command => args.Contains(command.Switch, StringComparer.Ordinal)).ToList();
        foreach (var command in commands)
        {
            await using var scope = app.Services.CreateAsyncScope();
            int exitCode;
            try
            {
                exitCode = await command.RunAsync(scope.ServiceProvider, app.Lifetime.ApplicationStopping);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                app.Logger.LogError(exception, "{Command} failed", command.Switch);
                exitCode = 1;
            }

            if (exitCode != 0)
            {
                Environment.ExitCode = exitCode;
                break;
            }
        }

        return commands.Count > 0;
    }
}
