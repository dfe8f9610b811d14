using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Migrations.Internal;

namespace PartnerMesh.Data;

/// <summary>
/// How every service's DbContext reaches PostgreSQL: Npgsql with snake_case names for every table, column, key, index and
/// foreign key the model does not name itself (<c>OccurredAt</c> → <c>occurred_at</c>). The host, the design-time factory
/// and the tests must all use it, or the model no longer matches the migrations.
/// </summary>
/// <remarks>
/// The convention came after the first migrations: tables whose DbSet is named differently keep their <c>ToTable</c>, and
/// primary keys created then keep EF's <c>PK_table</c> names through an explicit <c>HasName</c>, so the database never
/// changes. The same goes for EF's own <c>__EFMigrationsHistory</c>: the convention would rename its columns to
/// <c>migration_id</c>/<c>product_version</c> and every existing database would fail its next migration
/// (EFCore.NamingConventions issue #1), so <see cref="HistoryRepository"/> keeps EF's names.
/// </remarks>
public static class NpgsqlOptionsExtensions
{
    /// <summary>Statements a connection keeps prepared (Npgsql's automatic preparation; 0 turns it off).</summary>
    public const int AutoPreparedStatements = 100;

    public static DbContextOptionsBuilder UsePartnerMeshNpgsql(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(Tuned(connectionString)).UseSnakeCaseNamingConvention().ReplaceService<IHistoryRepository, HistoryRepository>()
            .ConfigureWarnings(FailuresLoggedWhereHandled);

    public static DbContextOptionsBuilder<TContext> UsePartnerMeshNpgsql<TContext>(
        this DbContextOptionsBuilder<TContext> options, string connectionString)
        where TContext : DbContext =>
        options.UseNpgsql(Tuned(connectionString)).UseSnakeCaseNamingConvention().ReplaceService<IHistoryRepository, HistoryRepository>()
            .ConfigureWarnings(FailuresLoggedWhereHandled);

    /// <summary>
    /// EF Core logs every failed command, save and query as an error before the exception reaches the caller. Here most of
    /// them are expected and answered: a unique conflict is an idempotent replay or a 409, a refused value a 400, a
    /// deadlock a unit of work run again (<see cref="ConflictRetry"/>). So EF's own entries go to Debug, and a failure is
    /// logged once, where it is handled (an unhandled one by the exception handler, a consumer's by MassTransit, a
    /// background job's by the job).
    /// </summary>
    private static void FailuresLoggedWhereHandled(WarningsConfigurationBuilder warnings) =>
        warnings.Log(
            (RelationalEventId.CommandError, LogLevel.Debug), (CoreEventId.SaveChangesFailed, LogLevel.Debug),
            (CoreEventId.QueryIterationFailed, LogLevel.Debug));

    /// <summary>
    /// The connection string with the settings every service wants unless it names them itself. A service sends the same
    /// few dozen statements all day, and PostgreSQL parsed and planned each one again: planning an EF Core query took
    /// four times as long as running it, and PostgreSQL was the busiest process while surveys took responses. Npgsql
    /// prepares a statement on a connection once it has sent it five times, and pooled connections keep it.
    /// Returning a connection to the pool sends no reset: no code sets session state (locks are transaction-scoped,
    /// <c>pg_advisory_xact_lock</c>), and the reset that keeps prepared statements is seven commands per reuse.
    /// </summary>
    public static string Tuned(string connectionString)
    {
        // The plain builder holds only the keys the string names (Npgsql's knows every keyword), case-insensitively.
        var named = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!named.ContainsKey("Max Auto Prepare") && !named.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = AutoPreparedStatements;
        }

        if (!named.ContainsKey("No Reset On Close") && !named.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

#pragma warning disable EF1001 // Npgsql's history repository is the supported base for customising the history table.
    internal sealed class HistoryRepository(HistoryRepositoryDependencies dependencies) : NpgsqlHistoryRepository(dependencies)
    {
        protected override void ConfigureTable(EntityTypeBuilder<HistoryRow> history)
        {
            base.ConfigureTable(history);
            history.Property(row => row.MigrationId).HasColumnName(nameof(HistoryRow.MigrationId));
            history.Property(row => row.ProductVersion).HasColumnName(nameof(HistoryRow.ProductVersion));
        }
    }
#pragma warning restore EF1001
}
