using System.Text.RegularExpressions;
using Npgsql;

namespace PartnerMesh.AppHost.Hosting.Runners;

/// <summary>Creates a service's database on the server when it is missing (<c>CREATE DATABASE</c>).</summary>
internal sealed partial class DatabaseRunner(PostgresDatabaseResource database, RunnerContext context)
    : ResourceRunner(database, context)
{
    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        await WaitForAsync(database.WaitsFor, cancellationToken);
        Registry.SetState(database.Name, ResourceState.Starting, $"database {database.DatabaseName}");
        var created = await EnsureDatabaseAsync(cancellationToken);
        Registry.SetState(database.Name, ResourceState.Healthy, created ? $"created {database.DatabaseName}" : $"{database.DatabaseName} exists");
    }

    public override void Dispose()
    {
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        Registry.SetState(database.Name, ResourceState.Stopped);
        return Task.CompletedTask;
    }

    public override async Task RestartAsync(CancellationToken cancellationToken)
    {
        await EnsureDatabaseAsync(cancellationToken);
        Registry.SetState(database.Name, ResourceState.Healthy, $"{database.DatabaseName} exists");
    }

    private async Task<bool> EnsureDatabaseAsync(CancellationToken cancellationToken)
    {
        if (!SafeName().IsMatch(database.DatabaseName))
        {
            throw new InvalidOperationException($"Database name '{database.DatabaseName}' must be lower-case letters, digits and '_'.");
        }

        var admin = new NpgsqlConnectionStringBuilder(database.Server.GetConnectionString()) { Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection))
        {
            exists.Parameters.AddWithValue("name", database.DatabaseName);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return false;
            }
        }

        try
        {
            // Identifiers cannot be parameters; the name is checked against SafeName above.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.DatabaseName}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            return false;
        }
    }

    [GeneratedRegex("^[a-z0-9_]{1,63}$")]
    private static partial Regex SafeName();
}
