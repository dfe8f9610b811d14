using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.Data;

public static class MigrationExtensions
{
    /// <summary>
    /// Applies the service's EF migrations and reports <c>true</c> when the process was started with <c>--migrate</c>.
    /// The AppHost runs this as its own step before the service starts, so a service never migrates on startup.
    /// </summary>
    public static async Task<bool> RunMigrationsIfRequestedAsync<TDbContext>(this WebApplication app, string[] args)
        where TDbContext : DbContext
    {
        if (!args.Contains(HostCommands.Migrate, StringComparer.Ordinal))
        {
            return false;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        await db.Database.MigrateAsync();
        app.Logger.LogInformation("Applied {Count} migration(s) to {Database}", pending.Count, db.Database.GetDbConnection().Database);
        return true;
    }
}
