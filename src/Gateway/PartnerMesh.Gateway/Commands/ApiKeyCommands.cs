using Microsoft.EntityFrameworkCore;
using PartnerMesh.Data;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.Gateway.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;

namespace PartnerMesh.Gateway.Commands;

/// <summary>
/// Command-line steps for the AppHost, run without starting the web server (migrations must already be applied,
/// e.g. in the same run with <c>--migrate</c>):
/// <list type="bullet">
/// <item><c>--bootstrap-admin-key</c>: when no active admin key exists, creates <c>bootstrap-admin</c> and prints
/// <c>PARTNERMESH_ADMIN_KEY=&lt;key&gt;</c>; otherwise prints <c>PARTNERMESH_ADMIN_KEY_EXISTS</c>.</item>
/// <item><c>--new-admin-key [name]</c>: always creates an admin key (default name <c>admin</c>) and prints the same line.</item>
/// </list>
/// Stdout carries exactly that one line (ServiceDefaults sends the logs to stderr while one of these runs); exit code 0,
/// or 1 when migrations are pending or the name is invalid.
/// </summary>
public static class ApiKeyCommands
{
    public const string DefaultNewKeyName = "admin";

    public static bool IsRequested(string[] args) =>
        args.Contains(HostCommands.BootstrapAdminKey, StringComparer.Ordinal) || args.Contains(HostCommands.NewAdminKey, StringComparer.Ordinal);

    public static async Task<bool> RunApiKeyCommandIfRequestedAsync(this WebApplication app, string[] args)
    {
        if (!IsRequested(args))
        {
            return false;
        }

        var cancellationToken = app.Lifetime.ApplicationStopping;
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            await Console.Error.WriteLineAsync(
                $"The gateway database has {pending.Count} pending migration(s): run with {HostCommands.Migrate} first.");
            Environment.ExitCode = 1;
            return true;
        }

        var keys = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
        if (args.Contains(HostCommands.BootstrapAdminKey, StringComparer.Ordinal))
        {
            var created = await keys.CreateBootstrapAdminKeyAsync(cancellationToken);
            await Console.Out.WriteLineAsync(created is null ? HostCommands.AdminKeyExistsLine : HostCommands.AdminKeyLinePrefix + created.PlainTextKey);
            return true;
        }

        var name = NewKeyName(args);
        if (!ApiKey.IsValidName(name, out var nameError))
        {
            await Console.Error.WriteLineAsync($"Invalid key name: {nameError}");
            Environment.ExitCode = 1;
            return true;
        }

        var admin = PartnerMeshScopes.Admin;
        var key = await keys.CreateAsync(name, admin, ApiKeyScopes.DefaultRateLimitPerMinute(admin), cancellationToken);
        await Console.Out.WriteLineAsync(HostCommands.AdminKeyLinePrefix + key.PlainTextKey);
        return true;
    }

    private static string NewKeyName(string[] args)
    {
        var index = Array.IndexOf(args, HostCommands.NewAdminKey);
        return index + 1 < args.Length && !args[index + 1].StartsWith("--", StringComparison.Ordinal)
            ? args[index + 1].Trim()
            : DefaultNewKeyName;
    }
}
