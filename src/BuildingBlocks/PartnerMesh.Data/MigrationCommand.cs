using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using PartnerMesh.ServiceDefaults;

namespace PartnerMesh.Data;

/// <summary>
/// <c>--migrate</c>: applies a service's EF Core migrations and exits (0 on success). The AppHost runs it as the service's
/// own step before the service starts, so a service never migrates on start-up.
/// </summary>
/// <remarks>
/// <para>
/// Seven migrators start at once in every start of the system, on two cores; a second of CPU each was a quarter of the
/// start (docs/measurements.md). So the step runs on a host of its own — configuration, logging, telemetry — before
/// the service builds its web host, and a database that is already up to date costs one query of the history table:
/// EF Core's own pending-migrations check builds its internal services and history model first (≈ 1 s of CPU under the JIT).
/// </para>
/// <para>
/// It waits for PostgreSQL itself (<c>Migrations:WaitForDatabase</c>, default two minutes) instead of the AppHost holding
/// it back until the server's health check passes: Aspire polls an unhealthy resource after 1, 2, 3, 4, 5 s, so the
/// migrators started up to seconds after PostgreSQL was accepting connections. The same wait covers a database the
/// AppHost creates at that moment (the creation that loses the race fails with "already exists" and is tried again).
/// </para>
/// </remarks>
public static class MigrationCommand
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Runs the migration and returns <c>true</c> when <paramref name="args"/> asks for it; the caller then exits.</summary>
    public static async Task<bool> RunIfRequestedAsync<TDbContext>(string[] args, string databaseName)
        where TDbContext : DbContext
    {
        if (!args.Contains(HostCommands.Migrate, StringComparer.Ordinal))
        {
            return false;
        }

        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);
        builder.ConfigureOpenTelemetry();
        var connectionString = builder.Configuration.GetRequiredConnectionString(databaseName);
        builder.Services.AddDbContext<TDbContext>(options => options.UsePartnerMeshNpgsql(connectionString));
        using var host = builder.Build();
        await host.StartAsync();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TDbContext).Assembly.GetName().Name!);
        var waitForDatabase = builder.Configuration.GetValue("Migrations:WaitForDatabase", TimeSpan.FromMinutes(2));
        var deadline = DateTimeOffset.UtcNow + waitForDatabase;
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var pending = await MigrateAsync<TDbContext>(host.Services, connectionString);
                logger.LogInformation("Applied {Count} migration(s) to {Database}", pending, new NpgsqlConnectionStringBuilder(connectionString).Database);
                break;
            }
            catch (Exception exception) when (IsWorthRetrying(exception) && DateTimeOffset.UtcNow < deadline && !stopping.IsCancellationRequested)
            {
                if (attempt == 1)
                {
                    logger.LogInformation("Waiting up to {Wait} for {Database} to accept connections: {Reason}", waitForDatabase, databaseName, exception.Message);
                }

                await Task.Delay(RetryDelay, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception exception)
            {
                logger.LogError(exception, "Migrating {Database} failed", databaseName);
                Environment.ExitCode = 1;
                break;
            }
        }

        await host.StopAsync();
        return true;
    }

    /// <summary>Applies what is pending and returns how many migrations that was.</summary>
    private static async Task<int> MigrateAsync<TDbContext>(IServiceProvider services, string connectionString)
        where TDbContext : DbContext
    {
        var known = KnownMigrations<TDbContext>();
        var applied = await AppliedMigrationsAsync(connectionString);
        var pending = applied is null ? known.Count : known.Except(applied, StringComparer.Ordinal).Count();
        if (pending > 0)
        {
            // Each migration runs in its own transaction: a failed attempt leaves nothing half-applied to retry over.
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<TDbContext>().Database.MigrateAsync();
        }

        return pending;
    }

    /// <summary>
    /// The server is not reachable yet, is still starting, or another client created the database a moment ago. Anything
    /// else (a failing migration, a wrong password) fails the step at once.
    /// </summary>
    private static bool IsWorthRetrying(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.DuplicateDatabase
            or PostgresErrorCodes.TooManyConnections,
        NpgsqlException npgsql => npgsql.IsTransient,
        InvalidOperationException { InnerException: { } inner } => IsWorthRetrying(inner), // EF Core's execution strategy wraps
        _ => false,
    };

    /// <summary>The migrations of <typeparamref name="TDbContext"/> in its assembly, as EF Core finds them (by their attributes).</summary>
    public static IReadOnlyList<string> KnownMigrations<TDbContext>()
        where TDbContext : DbContext =>
        typeof(TDbContext).Assembly.GetTypes()
            .Where(type => type.IsSubclassOf(typeof(Migration)) && type.GetCustomAttribute<DbContextAttribute>()?.ContextType == typeof(TDbContext))
            .Select(type => type.GetCustomAttribute<MigrationAttribute>()?.Id)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The migrations recorded in the database's history table, or <c>null</c> when the database or the table does not
    /// exist yet (EF Core then creates them).
    /// </summary>
    private static async Task<IReadOnlyList<string>?> AppliedMigrationsAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"""SELECT "MigrationId" FROM "{HistoryRepository.DefaultTableName}" """, connection);
            await using var reader = await command.ExecuteReaderAsync();
            var applied = new List<string>();
            while (await reader.ReadAsync())
            {
                applied.Add(reader.GetString(0));
            }

            return applied;
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }
    }
}
